import { useEffect, useMemo, useRef, useState } from 'react';
import type { FiltersResult } from '../../../preload/contract';
import { api, errorMessage } from '../lib/api';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useShallow } from 'zustand/react/shallow';
import { Section } from '../chrome/Section';
import { useStudio } from '../store';
import { currentModel } from '../store/model';
import { displayShape } from './LayerSelect';

const ROW_HEIGHT = 32;

/** The first convolution's filters as RGB tiles (what the model looks for in raw pixels). */
function FirstLayerFilters({ model }: { model: string }) {
  const [state, setState] = useState<{ model: string; result: FiltersResult | null; error: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => setState(null), [model]);
  const shown = state?.model === model ? state : null;
  async function load() {
    setLoading(true);
    try {
      const result = await api().call('models:filters', { model });
      setState({ model, result, error: null });
    } catch (error) {
      setState({ model, result: null, error: errorMessage(error) });
    } finally {
      setLoading(false);
    }
  }
  return (
    <div className="first-filters">
      {!shown && (
        <button className="small" data-testid="filters-show" disabled={loading} onClick={() => void load()}>
          {loading ? 'Loading…' : 'Show first-layer filters'}
        </button>
      )}
      {shown?.error && <p className="inline-error">{shown.error}</p>}
      {shown && !shown.error && !shown.result && <p className="hint">This model has no convolution reading the RGB image directly.</p>}
      {shown?.result && (
        <div data-testid="filters" data-count={shown.result.count}>
          <div className="muted">
            {shown.result.layer}: {shown.result.count} filters · {shown.result.kernelSize[0]}×{shown.result.kernelSize[1]} (grey = 0)
          </div>
          <img className="filters-atlas" style={{ maxWidth: shown.result.columns * 28 }} src={shown.result.atlasPng} alt={`First-layer filters of ${shown.result.layer}`} />
        </div>
      )}
    </div>
  );
}

/** Every layer of the chosen model (virtualised: InceptionV3 has over 300). */
export function ArchitecturePanel() {
  const { layers, layersModel, model, target, setLayer, toast } = useStudio(
    useShallow((state) => ({
      layers: state.layers,
      layersModel: state.layersModel,
      model: currentModel(state),
      target: state.layer,
      setLayer: state.setLayer,
      toast: state.toast,
    })),
  );
  const pick = (name: string, spatial: boolean) => {
    if (!spatial) return;
    setLayer(name);
    toast('info', `Grad-CAM target layer: ${name}. Press Show heatmap to see it.`);
  };
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = useMemo(() => layers.reduce((sum, layer) => sum + layer.params, 0), [layers]);
  const virtualizer = useVirtualizer({
    count: layers.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const current = layersModel !== null && layersModel === model?.id;
  return (
    <Section title="Architecture" testId="panel-architecture" defaultOpen={false}>
      {!current ? (
        <p className="hint">Loading the layers…</p>
      ) : (
        <>
          <div className="muted" data-testid="arch-summary" data-layers={layers.length} data-params={total}>
            {model?.name}: {layers.length} layers · {total.toLocaleString()} parameters
          </div>
          {model && <FirstLayerFilters model={model.id} />}
          <p className="hint">Click a layer with a spatial map to make it the Explain target layer. Drag the list's corner to make it taller; drag the panel's edge to widen it.</p>
          <div className="arch-row head">
            <span className="arch-class">Layer, class</span>
            <span className="arch-shape">Output</span>
            <span className="num">Params</span>
          </div>
          <div ref={scrollRef} className="arch-list" data-testid="arch-list">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const layer = layers[item.index]!;
                return (
                  <div
                    key={layer.name}
                    className={`arch-row${layer.spatial ? ' spatial' : ''}${layer.name === target ? ' current' : ''}`}
                    data-testid="arch-row"
                    data-layer={layer.name}
                    data-spatial={layer.spatial}
                    aria-current={layer.name === target ? 'true' : undefined}
                    role={layer.spatial ? 'button' : undefined}
                    tabIndex={layer.spatial ? 0 : undefined}
                    onClick={() => pick(layer.name, layer.spatial)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        pick(layer.name, layer.spatial);
                      }
                    }}
                    style={{ top: item.start, height: ROW_HEIGHT }}
                    title={`${layer.name} · ${layer.className} · ${displayShape(layer.outputShape)} · ${layer.params.toLocaleString()} parameters${layer.spatial ? ' · click: explain this layer' : ' · no spatial map'}`}
                  >
                    <span className="arch-name" data-testid="arch-name">
                      {layer.name}
                    </span>
                    <small className="arch-class muted">{layer.className}</small>
                    <span className="arch-shape">{displayShape(layer.outputShape)}</span>
                    <span className="num">{layer.params ? layer.params.toLocaleString() : '—'}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </>
      )}
    </Section>
  );
}

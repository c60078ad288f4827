import { useShallow } from 'zustand/react/shallow';
import { CAM_METHODS, COLORMAPS, methodOptionOf, SALIENCY_METHODS, type Colormap, type HeatmapResult, type Method } from '../../../preload/contract';
import { NumberField } from '../chrome/NumberField';
import { Section } from '../chrome/Section';
import { JobProgress } from '../chrome/StatusBar';
import { Sparkline } from '../chrome/Sparkline';
import { colormapGradient } from '../lib/colormaps';
import { layerLabel, methodTitle, pinnedLabel } from '../lib/heatmapLabels';
import { formatPercent, isClassAgnostic, METHOD_HINTS, METHOD_LABELS, shortLabel, usesLayer } from '../lib/methods';
import { useStudio } from '../store';
import { explainSpecOf, heatmapKeyOf, heatmapOpacityOf, type MethodOptions } from '../store/explain';
import { selectedPhotoProblem } from '../store/library';
import { LayerSelect } from './LayerSelect';

const COLORMAP_LABELS: Record<Colormap, string> = {
  jet: 'Jet (classic)',
  viridis: 'Viridis (perceptual)',
  inferno: 'Inferno (perceptual)',
  turbo: 'Turbo',
};

function mapSize(map: HeatmapResult): string {
  return `${map.mapWidth}×${map.mapHeight} → ${map.width}×${map.height}`;
}

function legendWords(method: Method): [string, string, string] {
  if (isClassAgnostic(method)) return ['low', '', 'high activation'];
  return ['low', usesLayer(method) ? 'evidence for the class' : 'attribution', 'high'];
}

function Legend({ colormap, threshold, method }: { colormap: Colormap; threshold: number; method: Method }) {
  const [low, middle, high] = legendWords(method);
  return (
    <div className="legend" data-testid="legend">
      <div className="legend-bar" style={{ background: colormapGradient(colormap) }}>
        {threshold > 0 && (
          <div className="legend-threshold" style={{ width: `${threshold * 100}%` }} title="Below the threshold: not coloured" />
        )}
      </div>
      <div className="legend-labels">
        <span>{low}</span>
        <span>{middle}</span>
        <span>{high}</span>
      </div>
    </div>
  );
}

function Faithfulness() {
  const s = useStudio(
    useShallow((state) => ({
      result: state.faithfulness && state.faithfulnessKey === state.heatmapKey ? state.faithfulness : null,
      job: state.faithfulnessJob ? state.jobs[state.faithfulnessJob] : undefined,
      running: state.faithfulnessJob !== null,
      measure: state.measureFaithfulness,
    })),
  );
  return (
    <>
      {s.job && <JobProgress job={s.job} />}
      {s.result && (
        <div className="faithfulness" data-testid="faithfulness">
          <FaithMetric
            kind="deletion"
            title="Deletion AUC"
            better="lower is better"
            value={s.result.deletionAuc}
            curve={s.result.deletion}
            color="#ff7b72"
            verb="removed"
          />
          <FaithMetric
            kind="insertion"
            title="Insertion AUC"
            better="higher is better"
            value={s.result.insertionAuc}
            curve={s.result.insertion}
            color="#56d364"
            verb="inserted"
          />
        </div>
      )}
    </>
  );
}

const METHOD_OPTION_FIELDS: Record<keyof MethodOptions, { label: string; testId: string; min: number; max: number; title: string }> = {
  scorecamChannels: {
    label: 'Channels scored',
    testId: 'scorecam-channels',
    min: 1,
    max: 100_000,
    title: 'Score-CAM scores only the channels with the highest mean activation: one forward pass each',
  },
  samples: { label: 'Samples', testId: 'smoothgrad-samples', min: 1, max: 1000, title: 'SmoothGrad: noisy copies of the photo averaged' },
  steps: { label: 'Steps', testId: 'ig-steps', min: 2, max: 4096, title: 'Integrated Gradients: steps along the path from the black baseline' },
};

/** The one option the chosen method reads (Score-CAM, SmoothGrad, Integrated Gradients), if any. */
function MethodOptionField({ method }: { method: Method }) {
  const { options, setOption } = useStudio(useShallow((state) => ({ options: state.methodOptions, setOption: state.setMethodOption })));
  const key = methodOptionOf(method);
  if (!key) return null;
  const field = METHOD_OPTION_FIELDS[key];
  return (
    <div className="field-grid" data-testid="method-options">
      <NumberField
        label={field.label}
        testId={field.testId}
        title={field.title}
        value={options[key]}
        min={field.min}
        max={field.max}
        integer
        onCommit={(value) => setOption(key, value)}
      />
    </div>
  );
}

function PinnedB() {
  const s = useStudio(
    useShallow((state) => ({
      pinned: state.pinnedB,
      current: state.heatmap,
      compare: state.compareHeatmaps,
      setCompare: state.setCompareHeatmaps,
      unpin: state.unpinB,
    })),
  );
  if (!s.pinned) return null;
  return (
    <div className="pinned-card" data-testid="pinned-b" data-method={s.pinned.method}>
      <div>
        <strong>B:</strong> {pinnedLabel(s.pinned)}
      </div>
      <div className="button-row">
        <label className="check">
          <input type="checkbox" data-testid="compare-heatmaps" checked={s.compare} disabled={!s.current} onChange={(event) => s.setCompare(event.target.checked)} />
          Swipe A | B on the canvas
        </label>
        <button className="small" data-testid="unpin-b" onClick={s.unpin}>
          Unpin
        </button>
      </div>
      {s.compare && <div className="muted">A (left) = the current heatmap; drag the divider on the canvas.</div>}
    </div>
  );
}

export function ExplainPanel() {
  const s = useStudio(
    useShallow((state) => ({
      method: state.method,
      layer: state.layer,
      colormap: state.colormap,
      alpha: state.alpha,
      threshold: state.threshold,
      heatmap: state.heatmap,
      stale: state.heatmap !== null && state.heatmapKey !== heatmapKeyOf(explainSpecOf(state)),
      job: state.heatmapJob ? state.jobs[state.heatmapJob] : undefined,
      ready: state.selectedPath !== null && state.modelId !== null,
      problem: selectedPhotoProblem(state),
      setMethod: state.setMethod,
      setLayer: state.setLayer,
      setColormap: state.setColormap,
      setHeatmapOpacity: state.setHeatmapOpacity,
      setThreshold: state.setThreshold,
      showHeatmap: state.showHeatmap,
      measureFaithfulness: state.measureFaithfulness,
      measuring: state.faithfulnessJob !== null,
      pinAsB: state.pinAsB,
    })),
  );
  const layerUsed = usesLayer(s.method);
  return (
    <Section title="Explain" testId="panel-explain">
      <label className="field">
        <span>Method</span>
        <select data-testid="method-select" value={s.method} onChange={(event) => s.setMethod(event.target.value as Method)}>
          <optgroup label="Class activation maps">
            {CAM_METHODS.map((method) => (
              <option key={method} value={method}>
                {METHOD_LABELS[method]}
              </option>
            ))}
          </optgroup>
          <optgroup label="Gradients on pixels">
            {SALIENCY_METHODS.map((method) => (
              <option key={method} value={method}>
                {METHOD_LABELS[method]}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <p className="hint">{METHOD_HINTS[s.method]}</p>
      <LayerSelect label="Layer" testId="layer-select" value={s.layer} onChange={s.setLayer} disabled={!layerUsed} />
      {!layerUsed && <p className="hint">{METHOD_LABELS[s.method]} works on the input pixels; no layer needed.</p>}
      <MethodOptionField method={s.method} />
      <label className="field">
        <span>Colormap</span>
        <select data-testid="colormap-select" value={s.colormap} onChange={(event) => s.setColormap(event.target.value as Colormap)}>
          {COLORMAPS.map((colormap) => (
            <option key={colormap} value={colormap}>
              {COLORMAP_LABELS[colormap]}
            </option>
          ))}
        </select>
      </label>
      <Legend colormap={s.colormap} threshold={s.threshold} method={s.method} />
      <label className="field slider-field" title="0 = only the photo, 1 = only the heatmap; the same setting as the toolbar's Heatmap slider, and what exports use">
        <span>Heatmap opacity</span>
        <input
          type="range"
          data-testid="heatmap-opacity-slider"
          aria-label="Heatmap opacity"
          min={0}
          max={1}
          step={0.05}
          value={heatmapOpacityOf(s.alpha)}
          onChange={(event) => s.setHeatmapOpacity(Number(event.target.value))}
        />
        <output data-testid="heatmap-opacity-value">{heatmapOpacityOf(s.alpha).toFixed(2)}</output>
      </label>
      <label className="field slider-field">
        <span>Threshold</span>
        <input
          type="range"
          data-testid="threshold-slider"
          min={0}
          max={0.95}
          step={0.05}
          value={s.threshold}
          onChange={(event) => s.setThreshold(Number(event.target.value))}
        />
        <output>{s.threshold.toFixed(2)}</output>
      </label>
      <div className="button-row">
        <button
          className="primary"
          data-testid="show-heatmap"
          disabled={!s.ready || s.problem !== null}
          title={s.problem ?? (s.ready ? '' : 'Pick a photo first')}
          onClick={() => void s.showHeatmap()}
        >
          {s.heatmap && s.stale ? 'Update heatmap' : 'Show heatmap'}
        </button>
      </div>
      {s.job && <JobProgress job={s.job} />}
      {s.heatmap && (
        <div
          className={`result-card${s.stale ? ' stale' : ''}`}
          data-testid="heatmap-result"
          data-method={s.heatmap.method}
          data-layer={s.heatmap.layer ?? ''}
          data-class-index={s.heatmap.classIndex}
          data-class-agnostic={s.heatmap.classAgnostic}
        >
          <div>
            {s.heatmap.classAgnostic ? (
              <strong>{methodTitle(s.heatmap)}</strong>
            ) : (
              <>
                <strong>{METHOD_LABELS[s.heatmap.method]}</strong> for <strong title={s.heatmap.label}>{shortLabel(s.heatmap.label)}</strong>{' '}
                <span className="muted">({formatPercent(s.heatmap.score)})</span>
              </>
            )}
          </div>
          <div className="muted" data-testid="heatmap-layer">
            {s.heatmap.layer === null ? layerLabel(s.heatmap) : `layer ${s.heatmap.layer}`} · map {mapSize(s.heatmap)}
          </div>
          {s.stale && <div className="stale-note">Settings changed — press Update heatmap.</div>}
          <div className="button-row">
            <button
              className="small"
              data-testid="measure-faithfulness"
              disabled={s.measuring}
              title="Deletion / insertion curves: how fast the class score falls (rises) as the map's most important pixels are removed (inserted)"
              onClick={() => void s.measureFaithfulness()}
            >
              Measure faithfulness
            </button>
            <button className="small" data-testid="pin-b" title="Keep this heatmap as B to compare with the next one" onClick={s.pinAsB}>
              Pin as B
            </button>
          </div>
        </div>
      )}
      {s.heatmap && <Faithfulness />}
      <PinnedB />
      {s.heatmap && s.heatmap.notes.length > 0 && (
        <ul className="notes" data-testid="heatmap-notes">
          {s.heatmap.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** One faithfulness number with its curve: the class score as the most important pixels go (or come) first. */
function FaithMetric(props: { kind: 'deletion' | 'insertion'; title: string; better: string; value: number; curve: number[]; color: string; verb: string }) {
  return (
    <div className="faith-metric" data-testid={`faith-${props.kind}`} data-value={props.value}>
      <div>
        {props.title} <span className="muted">({props.better})</span>
      </div>
      <strong>{props.value.toFixed(3)}</strong>
      <Sparkline
        values={props.curve}
        color={props.color}
        label={`Class score as the most important pixels are ${props.verb} first`}
        testId={`faith-${props.kind}-curve`}
      />
      <div className="muted">score as top pixels are {props.verb}</div>
    </div>
  );
}

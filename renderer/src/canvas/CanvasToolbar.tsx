import type { RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { heatmapOpacityOf } from '../store/explain';

interface ToolbarProps {
  zoomLabelRef: RefObject<HTMLSpanElement | null>;
  onFit: () => void;
  onZoom: (factor: number) => void;
  onActualSize: () => void;
}

function LayerControl({ name, label, available, opacity, visible, onOpacity, onVisible }: {
  name: string;
  label: string;
  available: boolean;
  opacity: number;
  visible: boolean;
  onOpacity: (value: number) => void;
  onVisible: (visible: boolean) => void;
}) {
  return (
    <div className={`layer-control${available ? '' : ' unavailable'}`} title={available ? `${label} layer` : `No ${label.toLowerCase()} yet`}>
      <label className="layer-toggle">
        <input type="checkbox" data-testid={`layer-visible-${name}`} checked={visible} onChange={(event) => onVisible(event.target.checked)} />
        {label}
      </label>
      <input
        type="range"
        data-testid={`layer-opacity-${name}`}
        aria-label={`${label} opacity`}
        min={0}
        max={1}
        step={0.05}
        value={opacity}
        onChange={(event) => onOpacity(Number(event.target.value))}
      />
    </div>
  );
}

export function CanvasToolbar({ zoomLabelRef, onFit, onZoom, onActualSize }: ToolbarProps) {
  const s = useStudio(
    useShallow((state) => ({
      opacity: state.layerOpacity,
      visible: state.layerVisible,
      alpha: state.alpha,
      hasHeatmap: state.heatmap !== null,
      hasChannel: state.selectedChannel !== null,
      hasDream: state.frames.length > 0,
      setOpacity: state.setLayerOpacity,
      setVisible: state.setLayerVisible,
      setHeatmapOpacity: state.setHeatmapOpacity,
    })),
  );
  return (
    <div className="canvas-toolbar">
      <div className="zoom-controls">
        <button className="small" data-testid="canvas-fit" onClick={onFit} title="Fit the photo in the view">
          Fit
        </button>
        <button className="small" data-testid="canvas-actual" onClick={onActualSize} title="One photo pixel per screen pixel">
          1:1
        </button>
        <button className="small icon-button" aria-label="Zoom out" onClick={() => onZoom(1 / 1.25)}>
          −
        </button>
        <span className="zoom-label" ref={zoomLabelRef} data-testid="zoom-label">
          100%
        </span>
        <button className="small icon-button" aria-label="Zoom in" onClick={() => onZoom(1.25)}>
          +
        </button>
      </div>
      <div className="layer-controls">
        <LayerControl
          name="photo"
          label="Photo"
          available
          opacity={s.opacity.photo}
          visible={s.visible.photo}
          onOpacity={(value) => s.setOpacity('photo', value)}
          onVisible={(visible) => s.setVisible('photo', visible)}
        />
        <LayerControl
          name="heatmap"
          label="Heatmap"
          available={s.hasHeatmap}
          opacity={heatmapOpacityOf(s.alpha)}
          visible={s.visible.heatmap}
          onOpacity={s.setHeatmapOpacity}
          onVisible={(visible) => s.setVisible('heatmap', visible)}
        />
        <LayerControl
          name="channel"
          label="Channel"
          available={s.hasChannel}
          opacity={s.opacity.channel}
          visible={s.visible.channel}
          onOpacity={(value) => s.setOpacity('channel', value)}
          onVisible={(visible) => s.setVisible('channel', visible)}
        />
        <LayerControl
          name="dream"
          label="Dream"
          available={s.hasDream}
          opacity={s.opacity.dream}
          visible={s.visible.dream}
          onOpacity={(value) => s.setOpacity('dream', value)}
          onVisible={(visible) => s.setVisible('dream', visible)}
        />
      </div>
    </div>
  );
}

import { useStudio } from '../store';
import { formatShape } from '../lib/methods';

/** Drops the batch dimension (null / -1) that Keras puts first. */
export function displayShape(shape: (number | null)[]): string {
  const dims = shape.length > 1 && (shape[0] === null || shape[0] === -1) ? shape.slice(1) : shape;
  return formatShape(dims.map((dim) => (dim === null ? -1 : dim)));
}

interface LayerSelectProps {
  value: string | null;
  onChange: (layer: string) => void;
  testId: string;
  label: string;
  disabled?: boolean;
  /** When given, an extra first option with value '' (e.g. "off"). */
  emptyLabel?: string;
}

/** Spatial layers are selectable; 2-D layers are listed but disabled, with the reason. */
export function LayerSelect({ value, onChange, testId, label, disabled, emptyLabel }: LayerSelectProps) {
  const layers = useStudio((state) => state.layers);
  return (
    <label className="field">
      <span>{label}</span>
      <select data-testid={testId} value={value ?? ''} disabled={disabled || !layers.length} onChange={(event) => onChange(event.target.value)}>
        {!layers.length && <option value="">Loading layers…</option>}
        {layers.length > 0 && emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {layers.map((layer) => (
          <option
            key={layer.name}
            value={layer.name}
            disabled={!layer.spatial}
            title={layer.spatial ? `${layer.className}, ${layer.params.toLocaleString()} parameters` : 'This layer has no spatial map (2-D output): nothing to show on the photo'}
          >
            {layer.name} · {displayShape(layer.outputShape)}
            {layer.spatial ? '' : ' · 2-D, no spatial map'}
          </option>
        ))}
      </select>
    </label>
  );
}

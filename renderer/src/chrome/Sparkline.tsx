/** A tiny SVG line of values in 0..1 (class score along a deletion/insertion curve), area shaded. */
export function Sparkline({ values, color, label, testId }: { values: number[]; color: string; label: string; testId?: string }) {
  const width = 100;
  const height = 32;
  if (values.length < 2) return null;
  const max = Math.max(1e-6, ...values);
  const points = values.map((value, index) => `${((index / (values.length - 1)) * width).toFixed(2)},${(height - (Math.max(0, value) / max) * (height - 2) - 1).toFixed(2)}`);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label} data-testid={testId}>
      <title>{label}</title>
      <polygon points={`0,${height} ${points.join(' ')} ${width},${height}`} fill={color} fillOpacity={0.18} />
      <polyline points={points.join(' ')} fill="none" stroke={color} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

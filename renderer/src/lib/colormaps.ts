// The legend and the feature-map overlay use the host's colormaps (main/explain/colormaps.ts),
// so what the studio shows matches the heatmaps and exports exactly.
import type { Colormap } from '../../../preload/contract';
import { colormapLut, legendStops } from '../../../main/explain/colormaps';

export { colormapLut };

export function colormapGradient(colormap: Colormap, direction = 'to right'): string {
  const stops = legendStops(colormap, 11).map((color, i) => `${color} ${i * 10}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

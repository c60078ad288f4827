// The colormaps, in one place for the host (heatmaps, exports) and the studio (legends, channel
// overlays): jet from the `colormap` package, viridis, inferno and turbo from d3-scale-chromatic.
// Pure code with no Node or DOM needs, so the renderer bundles it too.
import createColormap from 'colormap';
import { interpolateInferno, interpolateTurbo, interpolateViridis } from 'd3-scale-chromatic';
import type { Colormap } from '../../preload/contract';

const INTERPOLATORS = { viridis: interpolateViridis, inferno: interpolateInferno, turbo: interpolateTurbo } as const;
const lutCache = new Map<Colormap, Uint8Array>();

/** d3 colour strings: "#rrggbb" or "rgb(r, g, b)". */
function parseCssColor(css: string): [number, number, number] {
  if (css.startsWith('#')) {
    return [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) as [number, number, number];
  }
  const parts = css.match(/\d+(\.\d+)?/g);
  if (!parts || parts.length < 3) throw new Error(`Unexpected colour "${css}"`);
  return parts.slice(0, 3).map(Number) as [number, number, number];
}

/** 256 RGB entries (768 bytes) of a colormap: jet from `colormap`, the rest from d3-scale-chromatic. */
export function colormapLut(name: Colormap): Uint8Array {
  const cached = lutCache.get(name);
  if (cached) return cached;
  const lut = new Uint8Array(256 * 3);
  if (name === 'jet') {
    createColormap({ colormap: 'jet', nshades: 256, format: 'rgba' }).forEach(([r, g, b], i) => lut.set([r, g, b], i * 3));
  } else {
    const interpolate = INTERPOLATORS[name];
    if (!interpolate) throw new RangeError(`Unknown colormap "${name}".`);
    for (let i = 0; i < 256; i++) lut.set(parseCssColor(interpolate(i / 255)), i * 3);
  }
  lutCache.set(name, lut);
  return lut;
}

/** `count` CSS colours evenly spaced along the colormap, low to high, for a legend. */
export function legendStops(name: Colormap, count = 11): string[] {
  const lut = colormapLut(name);
  return Array.from({ length: count }, (_, i) => {
    const index = count === 1 ? 0 : Math.round((i / (count - 1)) * 255);
    return `rgb(${lut[index * 3]}, ${lut[index * 3 + 1]}, ${lut[index * 3 + 2]})`;
  });
}


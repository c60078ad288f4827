// Colormap lookups for the legend and the feature-map overlay (the heatmap itself is coloured by the host).
import { interpolateInferno, interpolateTurbo, interpolateViridis } from 'd3-scale-chromatic';
import type { Colormap } from '../../../preload/contract';

type Rgb = [number, number, number];

function jet(t: number): Rgb {
  // MATLAB/OpenCV jet: piecewise linear ramps of r, g, b.
  const channel = (offset: number): number => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - offset))));
  return [channel(3), channel(2), channel(1)];
}

function parseCss(color: string): Rgb {
  if (color.startsWith('#')) {
    const value = parseInt(color.slice(1), 16);
    return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  }
  const parts = color.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0'];
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

const INTERPOLATORS: Record<Colormap, (t: number) => Rgb> = {
  jet,
  viridis: (t) => parseCss(interpolateViridis(t)),
  inferno: (t) => parseCss(interpolateInferno(t)),
  turbo: (t) => parseCss(interpolateTurbo(t)),
};

const lutCache = new Map<Colormap, Uint8ClampedArray>();

/** 256 RGB entries. */
export function colormapLut(colormap: Colormap): Uint8ClampedArray {
  let lut = lutCache.get(colormap);
  if (!lut) {
    lut = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) lut.set(INTERPOLATORS[colormap](i / 255), i * 3);
    lutCache.set(colormap, lut);
  }
  return lut;
}

export function colormapGradient(colormap: Colormap, direction = 'to right'): string {
  const stops: string[] = [];
  for (let i = 0; i <= 10; i++) {
    const [r, g, b] = INTERPOLATORS[colormap](i / 10);
    stops.push(`rgb(${r}, ${g}, ${b}) ${i * 10}%`);
  }
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

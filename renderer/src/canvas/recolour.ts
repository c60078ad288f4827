// Colours the host's grey map (HeatmapResult.mapPng) on the client, so a colormap or threshold
// change shows at once instead of asking the host to compute the same map again.
import { useMemo } from 'react';
import type { Colormap } from '../../../preload/contract';
import { colormapLut } from '../lib/colormaps';
import { useLoadedImage } from '../lib/hooks';

/** Grey value v → LUT[v], transparent where v/255 is below the threshold (as the host's colorize). */
export function colourGreyPixels(grey: Uint8ClampedArray, lut: Uint8Array, threshold: number, out: Uint8ClampedArray): void {
  for (let i = 0; i < grey.length; i += 4) {
    const value = grey[i]!;
    out[i] = lut[value * 3]!;
    out[i + 1] = lut[value * 3 + 1]!;
    out[i + 2] = lut[value * 3 + 2]!;
    out[i + 3] = value / 255 < threshold ? 0 : 255;
  }
}

function greyPixels(image: HTMLImageElement): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

function colouredCanvas(grey: ImageData, colormap: Colormap, threshold: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = grey.width;
  canvas.height = grey.height;
  const context = canvas.getContext('2d')!;
  const coloured = context.createImageData(grey.width, grey.height);
  colourGreyPixels(grey.data, colormapLut(colormap), threshold, coloured.data);
  context.putImageData(coloured, 0, 0);
  return canvas;
}

/** The map (a grey PNG data: URL) coloured for the given colormap and threshold; null until decoded. */
export function useRecolouredMap(mapPng: string | null, colormap: Colormap, threshold: number): HTMLCanvasElement | null {
  const image = useLoadedImage(mapPng).image;
  // Read the grey pixels once per map; each recolour is then one pass over them.
  const grey = useMemo(() => (image ? greyPixels(image) : null), [image]);
  const coloured = useMemo(() => (grey ? colouredCanvas(grey, colormap, threshold) : null), [grey, colormap, threshold]);
  // The loader keeps its last image for a moment after the URL goes away; show nothing then.
  return mapPng ? coloured : null;
}

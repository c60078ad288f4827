// One feature-map channel laid over the photo: cropped from the atlas, smoothed (bilinear with
// half-pixel centres, as the heatmaps are) or left as its crisp cells, and coloured.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Colormap, FeatureMapsResult } from '../../../preload/contract';
import { resizeBilinear } from '../../../main/image/bilinear';
import { colormapLut } from '../lib/colormaps';
import { useLoadedImage } from '../lib/hooks';
import { useStudio } from '../store';
import { colourGreyPixels } from './recolour';

/** The smooth overlay's resolution: the photo's shape, at most this many pixels on its long side (like the heatmaps). */
export const SMOOTH_MAX_SIDE = 1024;

/** Size of the smooth overlay for a photo (0×0 photo: the map's own size). */
export function smoothSize(mapWidth: number, mapHeight: number, photoWidth: number, photoHeight: number): { width: number; height: number } {
  if (!photoWidth || !photoHeight) return { width: mapWidth, height: mapHeight };
  const scale = Math.min(1, SMOOTH_MAX_SIDE / Math.max(photoWidth, photoHeight));
  return { width: Math.max(1, Math.round(photoWidth * scale)), height: Math.max(1, Math.round(photoHeight * scale)) };
}

/** Grey RGBA pixels (R = the value) resized bilinearly into a new grey RGBA buffer. */
export function upsampleGrey(rgba: Uint8ClampedArray, width: number, height: number, outWidth: number, outHeight: number): Uint8ClampedArray {
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = rgba[i * 4]!;
  const resized = resizeBilinear(grey, width, height, 1, outWidth, outHeight);
  const out = new Uint8ClampedArray(outWidth * outHeight * 4);
  for (let i = 0; i < resized.length; i++) {
    const value = Math.round(resized[i]!);
    out[i * 4] = value;
    out[i * 4 + 1] = value;
    out[i * 4 + 2] = value;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Crops one channel out of the atlas, smooths it to `target` (null: native cells) and colours it. */
export function channelCanvas(
  atlas: HTMLImageElement,
  result: FeatureMapsResult,
  channel: number,
  colormap: Colormap,
  target: { width: number; height: number } | null,
): HTMLCanvasElement {
  const { mapWidth: width, mapHeight: height, atlasColumns } = result;
  const crop = document.createElement('canvas');
  crop.width = width;
  crop.height = height;
  const context = crop.getContext('2d', { willReadFrequently: true })!;
  const column = channel % atlasColumns;
  const row = Math.floor(channel / atlasColumns);
  context.drawImage(atlas, column * width, row * height, width, height, 0, 0, width, height);
  const cells = context.getImageData(0, 0, width, height);
  const canvas = target ? document.createElement('canvas') : crop;
  const out = target ? canvas.getContext('2d')!.createImageData(target.width, target.height) : cells;
  if (target) {
    canvas.width = target.width;
    canvas.height = target.height;
    out.data.set(upsampleGrey(cells.data, width, height, target.width, target.height));
  }
  // In place: each pixel's grey value is read before its colour is written. Threshold 0: all opaque.
  colourGreyPixels(out.data, colormapLut(colormap), 0, out.data);
  canvas.getContext('2d')!.putImageData(out, 0, 0);
  return canvas;
}

export function useChannelOverlay(photoWidth: number, photoHeight: number): HTMLCanvasElement | null {
  const { result, channel, colormap, crisp } = useStudio(
    useShallow((state) => ({ result: state.featureMaps, channel: state.selectedChannel, colormap: state.colormap, crisp: state.channelCrisp })),
  );
  const atlas = useLoadedImage(result?.atlasPng ?? null).image;
  return useMemo(() => {
    if (!atlas || !result || channel === null || channel >= result.channels) return null;
    const target = crisp ? null : smoothSize(result.mapWidth, result.mapHeight, photoWidth, photoHeight);
    return channelCanvas(atlas, result, channel, colormap, target);
  }, [atlas, result, channel, colormap, crisp, photoWidth, photoHeight]);
}

import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Colormap, FeatureMapsResult } from '../../../preload/contract';
import { colormapLut } from '../lib/colormaps';
import { useLoadedImage } from '../lib/hooks';
import { useStudio } from '../store';
import { colourGreyPixels } from './recolour';

/** Crops one channel out of the atlas at its native resolution and colours it. */
export function channelCanvas(atlas: HTMLImageElement, result: FeatureMapsResult, channel: number, colormap: Colormap): HTMLCanvasElement {
  const { mapWidth: width, mapHeight: height, atlasColumns } = result;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  const column = channel % atlasColumns;
  const row = Math.floor(channel / atlasColumns);
  context.drawImage(atlas, column * width, row * height, width, height, 0, 0, width, height);
  const pixels = context.getImageData(0, 0, width, height);
  // In place: each pixel's grey value is read before its colour is written. Threshold 0: all opaque.
  colourGreyPixels(pixels.data, colormapLut(colormap), 0, pixels.data);
  context.putImageData(pixels, 0, 0);
  return canvas;
}

export function useChannelOverlay(): HTMLCanvasElement | null {
  const { result, channel, colormap } = useStudio(
    useShallow((state) => ({ result: state.featureMaps, channel: state.selectedChannel, colormap: state.colormap })),
  );
  const atlas = useLoadedImage(result?.atlasPng ?? null).image;
  return useMemo(
    () => (atlas && result && channel !== null && channel < result.channels ? channelCanvas(atlas, result, channel, colormap) : null),
    [atlas, result, channel, colormap],
  );
}

// Every channel of one layer as a grid of small grey tiles (each channel normalised on its own).
import type { FeatureMapsResult } from '../../../preload/contract';
import { photoToModelInput } from '../../engine/preprocess';
import { EngineError, type CnnModel } from '../../engine/types';
import { encodePng } from '../../image/encode';
import type { RgbImage } from '../../image/types';

export async function featureMaps(model: CnnModel, image: RgbImage, layer: string): Promise<FeatureMapsResult> {
  const info = model.layers.find((candidate) => candidate.name === layer);
  if (!info) throw new EngineError('unknown-layer', `layer "${layer}" does not exist in ${model.name}`);
  if (!info.spatial) {
    throw new EngineError('not-spatial', `layer "${layer}" has output shape [${info.outputShape.join(', ')}]: it is not a spatial map`);
  }
  const input = await photoToModelInput(image, model);
  let values: Float32Array;
  let shape: number[];
  try {
    const { [layer]: activation } = model.run(input, [layer]);
    shape = activation.shape;
    values = (await activation.data()) as Float32Array;
    activation.dispose();
  } finally {
    input.dispose();
  }
  const [, height, width, channels] = shape;
  const columns = Math.ceil(Math.sqrt(channels));
  const rows = Math.ceil(channels / columns);
  const atlas = new Uint8Array(columns * width * rows * height * 3);
  const means: number[] = [];
  for (let channel = 0; channel < channels; channel++) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < width * height; i++) {
      const value = values[i * channels + channel];
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
    }
    means.push(sum / (width * height));
    const range = max - min;
    const left = (channel % columns) * width;
    const top = Math.floor(channel / columns) * height;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = values[(y * width + x) * channels + channel];
        const grey = range > 0 ? Math.round(((value - min) / range) * 255) : 0;
        const offset = ((top + y) * columns * width + left + x) * 3;
        atlas[offset] = atlas[offset + 1] = atlas[offset + 2] = grey;
      }
    }
  }
  const png = await encodePng({ data: atlas, width: columns * width, height: rows * height });
  return {
    layer,
    channels,
    mapWidth: width,
    mapHeight: height,
    means,
    atlasPng: `data:image/png;base64,${png.toString('base64')}`,
    atlasColumns: columns,
  };
}

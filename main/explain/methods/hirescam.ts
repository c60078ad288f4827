// HiResCAM (Draelos & Carin): L = ReLU(Σ_k g_k ⊙ A_k), element-wise, no spatial averaging.
import type { RawMap } from '../types';
import type { LayerTensor } from '../base';
import { gradientCam } from './gradient-cam';

export function hirescamMap(activation: LayerTensor, gradient: LayerTensor): RawMap {
  const { height, width, channels } = activation;
  const map = new Float32Array(height * width);
  for (let p = 0; p < height * width; p++) {
    let sum = 0;
    for (let k = 0; k < channels; k++) sum += gradient.data[p * channels + k] * activation.data[p * channels + k];
    map[p] = Math.max(0, sum);
  }
  return { data: map, width, height };
}

export const hirescam = gradientCam(hirescamMap);

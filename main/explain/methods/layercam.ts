// LayerCAM (Jiang et al.): L = ReLU(Σ_k ReLU(g_k) ⊙ A_k).
import type { RawMap } from '../types';
import type { LayerTensor } from '../base';
import { gradientCam } from './gradient-cam';

export function layercamMap(activation: LayerTensor, gradient: LayerTensor): RawMap {
  const { height, width, channels } = activation;
  const map = new Float32Array(height * width);
  for (let p = 0; p < height * width; p++) {
    let sum = 0;
    for (let k = 0; k < channels; k++) {
      sum += Math.max(0, gradient.data[p * channels + k]) * activation.data[p * channels + k];
    }
    map[p] = Math.max(0, sum);
  }
  return { data: map, width, height };
}

export const layercam = gradientCam(layercamMap);

// Grad-CAM++ (Chattopadhay et al.), the closed form for an exponential head used by
// pytorch-grad-cam: α_ijk = g² / (2g² + (Σ_ab A_abk)·g³), α = 0 where g = 0 or the denominator is 0;
// w_k = Σ_ij α_ijk ReLU(g_ijk);  L = ReLU(Σ_k w_k A_k).
import { channelSums, weightedSum, type LayerTensor } from '../base';
import { gradientCam } from './gradient-cam';

export function gradcamPlusPlusMap(activation: LayerTensor, gradient: LayerTensor) {
  const { height, width, channels } = activation;
  const sums = channelSums(activation);
  const weights = new Float64Array(channels);
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < channels; k++) {
      const g = gradient.data[p * channels + k];
      if (g <= 0) continue; // ReLU(g) = 0: no contribution, whatever α is
      const g2 = g * g;
      const denominator = 2 * g2 + sums[k] * g2 * g;
      if (denominator === 0 || !Number.isFinite(denominator)) continue;
      weights[k] += (g2 / denominator) * g;
    }
  }
  return weightedSum(activation, weights);
}

export const gradcamPlusPlus = gradientCam(gradcamPlusPlusMap);

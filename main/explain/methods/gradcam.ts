// Grad-CAM (Selvaraju et al.): w_k = mean_ij g_ijk;  L = ReLU(Σ_k w_k A_k).
import { channelSums, weightedSum, type LayerTensor } from '../base';
import { gradientCam } from './gradient-cam';

export function gradcamMap(activation: LayerTensor, gradient: LayerTensor) {
  const positions = gradient.height * gradient.width;
  const weights = channelSums(gradient).map((sum) => sum / positions);
  return weightedSum(activation, weights);
}

export const gradcam = gradientCam(gradcamMap);

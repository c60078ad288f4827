// XGrad-CAM (Fu et al.): w_k = Σ_ij (A_ijk / (Σ_ij A_ijk + 1e-7)) g_ijk;  L = ReLU(Σ_k w_k A_k).
import { channelSums, weightedSum, type LayerTensor } from '../base';
import { gradientCam } from './gradient-cam';

export function xgradcamMap(activation: LayerTensor, gradient: LayerTensor) {
  const { height, width, channels } = activation;
  const sums = channelSums(activation);
  const weights = new Float64Array(channels);
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < channels; k++) weights[k] += activation.data[p * channels + k] * gradient.data[p * channels + k];
  }
  for (let k = 0; k < channels; k++) weights[k] /= sums[k] + 1e-7;
  return weightedSum(activation, weights);
}

export const xgradcam = gradientCam(xgradcamMap);

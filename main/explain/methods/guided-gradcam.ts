// Guided Grad-CAM: guided backprop ⊙ Grad-CAM upsampled to the input (bilinear, half-pixel
// centres). Reduced over colour channels by max |.|; Grad-CAM ≥ 0, so this is max|gb| · CAM.
import { finishMap, readLayerGradient, type MethodFn } from '../base';
import { upsampleMap } from '../render';
import { gradcamMap } from './gradcam';
import { guidedBackpropMap } from './guided-backprop';

export const guidedGradcam: MethodFn = async (model, input, options) => {
  const { activation, gradient } = await readLayerGradient(model, input, options.layer, options.classIndex);
  const cam = gradcamMap(activation, gradient);
  const guided = await guidedBackpropMap(model, input, options.classIndex);
  const camUp = upsampleMap(cam, guided.width, guided.height);
  const data = guided.data.map((value, i) => value * camUp.data[i]);
  return finishMap({ data, width: guided.width, height: guided.height }, []);
};

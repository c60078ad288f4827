// Shared driver for the gradient CAM methods: read A and g at the layer, apply one formula.
import type { RawMap } from '../types';
import { finishMap, readLayerGradient, type LayerTensor, type MethodFn } from '../base';

export type CamFormula = (activation: LayerTensor, gradient: LayerTensor) => RawMap;

export function gradientCam(formula: CamFormula): MethodFn {
  return async (model, input, options) => {
    const { activation, gradient } = await readLayerGradient(model, input, options.layer, options.classIndex);
    return finishMap(formula(activation, gradient), []);
  };
}

// explain(): one entry point for every attribution method. Always the class score LOGITS: the
// pre-softmax/sigmoid logit, or −z for the "not" class of a single sigmoid output (engine/scores.ts).
import type * as tf from '@tensorflow/tfjs-core';
import type { CnnModel } from '../engine/types';
import { LAYER_METHODS, type Method } from '../../preload/contract';
import { ExplainError, type ExplainOptions, type ExplainOutput } from './types';
import { throwIfAborted } from '../abort';
import { requireBatchOfOne, requireSpatialLayer, type MethodFn } from './base';
import { gradcam } from './methods/gradcam';
import { gradcamPlusPlus } from './methods/gradcam-plus-plus';
import { xgradcam } from './methods/xgradcam';
import { hirescam } from './methods/hirescam';
import { layercam } from './methods/layercam';
import { scorecam } from './methods/scorecam';
import { eigencam } from './methods/eigencam';
import { guidedBackprop } from './methods/guided-backprop';
import { guidedGradcam } from './methods/guided-gradcam';
import { smoothgrad } from './methods/smoothgrad';
import { integratedGradients } from './methods/integrated-gradients';

const METHOD_FUNCTIONS: Record<Method, MethodFn> = {
  gradcam,
  'gradcam++': gradcamPlusPlus,
  xgradcam,
  hirescam,
  layercam,
  scorecam,
  eigencam,
  'guided-backprop': guidedBackprop,
  'guided-gradcam': guidedGradcam,
  smoothgrad,
  'integrated-gradients': integratedGradients,
};

export async function explain(model: CnnModel, input: tf.Tensor4D, options: ExplainOptions): Promise<ExplainOutput> {
  const method = METHOD_FUNCTIONS[options.method];
  if (!method) throw new ExplainError('bad-option', `Unknown explanation method "${options.method}".`);
  requireBatchOfOne(input);
  const classes = model.labels.length;
  if (!Number.isInteger(options.classIndex) || options.classIndex < 0 || (classes > 0 && options.classIndex >= classes)) {
    throw new ExplainError(
      'bad-class',
      `Class index ${options.classIndex} is out of range: model "${model.name}" has ${classes} classes (0–${classes - 1}).`,
    );
  }
  if (LAYER_METHODS.includes(options.method)) requireSpatialLayer(model, options.layer);
  throwIfAborted(options.signal);
  const { map, notes, completenessGap } = await method(model, input, options);
  return completenessGap === undefined ? { map, notes } : { map, notes, completenessGap };
}

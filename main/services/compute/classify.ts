// Class scores for a photo: logits from the engine, softmax and top-k here.
import * as tf from '@tensorflow/tfjs-core';
import type { Classification, ClassScore } from '../../../preload/contract';
import { toModelInput } from '../../engine/preprocess';
import { LOGITS, type CnnModel } from '../../engine/types';
import type { RgbImage } from '../../image/types';

/** Softmax probabilities and logits of every class for one image. */
export function scoreImage(model: CnnModel, image: RgbImage): { logits: Float32Array; probabilities: Float32Array } {
  const input = toModelInput(image, model, model.inputSize);
  try {
    const { [LOGITS]: logits } = model.run(input, [LOGITS]);
    const probabilities = tf.tidy(() => tf.softmax(logits as tf.Tensor2D));
    const result = { logits: logits.dataSync() as Float32Array, probabilities: probabilities.dataSync() as Float32Array };
    logits.dispose();
    probabilities.dispose();
    return result;
  } finally {
    input.dispose();
  }
}

export function topClasses(model: CnnModel, scores: { logits: Float32Array; probabilities: Float32Array }, top: number): ClassScore[] {
  return Array.from(scores.probabilities, (score, index) => ({ index, label: model.labels[index] ?? `class ${index}`, score, logit: scores.logits[index] }))
    .sort((a, b) => b.score - a.score)
    .slice(0, top);
}

export function classify(model: CnnModel, image: RgbImage, top: number): Classification {
  return { model: model.id, top: topClasses(model, scoreImage(model, image), top) };
}

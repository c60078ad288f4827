// Class scores for a photo: class scores from the engine, their probabilities and top-k here.
import * as tf from '@tensorflow/tfjs-core';
import type { Classification, ClassScore } from '../../../preload/contract';
import { photoToModelInput } from '../../engine/preprocess';
import { LOGITS, type CnnModel } from '../../engine/types';
import { classProbabilities } from '../../engine/scores';
import type { RgbImage } from '../../image/types';

export interface Scores {
  logits: Float32Array;
  probabilities: Float32Array;
}

/** Probabilities (softmax, or sigmoid for sigmoid outputs) and scores of every class for one model input. */
export function scoreInput(model: CnnModel, input: tf.Tensor4D): Scores {
  const { [LOGITS]: logits } = model.run(input, [LOGITS]);
  const probabilities = tf.tidy(() => classProbabilities(logits as tf.Tensor2D, model.outputActivation));
  const result = { logits: logits.dataSync() as Float32Array, probabilities: probabilities.dataSync() as Float32Array };
  tf.dispose([logits, probabilities]);
  return result;
}

export function topClasses(model: CnnModel, scores: Scores, top: number): ClassScore[] {
  return Array.from(scores.probabilities, (score, index) => ({ index, label: model.labels[index] ?? `class ${index}`, score, logit: scores.logits[index] }))
    .sort((a, b) => b.score - a.score)
    .slice(0, top);
}

export async function classify(model: CnnModel, image: RgbImage, top: number): Promise<Classification> {
  const input = await photoToModelInput(image, model);
  try {
    return { model: model.id, top: topClasses(model, scoreInput(model, input), top) };
  } finally {
    input.dispose();
  }
}

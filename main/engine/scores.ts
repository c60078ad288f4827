// What the classes are, given the logits and the output activation: their scores (LOGITS), labels
// and probabilities. Every model builds LOGITS with classScores, so every method explains the same score.
import * as tf from '@tensorflow/tfjs-core';
import type { OutputActivation } from './types';

/** One sigmoid output has no "negative" output of its own: it gets a second class scored −z. */
export function isSingleSigmoid(activation: OutputActivation, outputs: number): boolean {
  return activation === 'sigmoid' && outputs === 1;
}

/** The scores to explain, one column per class: the logits, and −z after a single sigmoid's z. */
export function classScores(logits: tf.Tensor, activation: OutputActivation): tf.Tensor {
  if (!isSingleSigmoid(activation, logits.shape[logits.rank - 1] as number)) return logits;
  return tf.tidy(() => tf.concat([logits, tf.neg(logits)], -1));
}

/** Labels of the classes: the given ones (else "class i"), and "not <label>" for a single sigmoid. */
export function classLabels(labels: string[], outputs: number, activation: OutputActivation): string[] {
  const named = labels.length > 0 ? labels : Array.from({ length: outputs }, (_, i) => `class ${i}`);
  return isSingleSigmoid(activation, outputs) ? [named[0], `not ${named[0]}`] : named;
}

/**
 * Class probabilities from class scores: per-class sigmoid for sigmoid outputs (σ(−z) = 1 − σ(z)),
 * else softmax (a model that outputs raw logits is read as a softmax classifier).
 */
export function classProbabilities(scores: tf.Tensor2D, activation: OutputActivation | undefined): tf.Tensor2D {
  return activation === 'sigmoid' ? tf.sigmoid(scores) : tf.softmax(scores);
}

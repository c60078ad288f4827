// Sigmoid outputs through the real Keras engine. One sigmoid output z has two classes: 0 scored z
// and "not" (1) scored −z, in classify, every explanation method and faithfulness; several sigmoid
// outputs are independent labels, each with its own sigmoid probability.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGITS } from '../engine/types';
import type { TestNet } from '../engine/testing/nets';
import { METHODS } from '../../preload/contract';
import { scoreInput, topClasses } from '../services/compute/classify';
import { faithfulness } from './faithfulness';
import { explain } from './index';
import { ExplainError } from './types';
import { readLayerGradient } from './base';
import { logitGradients } from './methods/input-gradient';
import { useCpuBackend } from './testing/backend';
import { byHand, gradcamByHand, gradcamWeightsByHand, headNet, type Head, type HeadSpec } from './testing/heads';
import { expectClose, matrix, seededValues } from './testing/reference';

const H = 4;
const W = 6;
const conv = matrix(seededValues('fw', 3 * 4), 3, 4);
const convBias = [0.3, 0.2, 0.1, 0.25];
const image = Float32Array.from(seededValues('fx', H * W * 3, 0, 1));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const FAST = { scorecamBatch: 8, smoothgradSamples: 4, igSteps: 32 };

beforeAll(useCpuBackend);

describe.each([
  ['dense-sigmoid', ['cat'], ['cat', 'not cat']],
  ['activation-sigmoid', [], ['class 0', 'not class 0']],
] as [Head, string[], string[]][])('one sigmoid output (%s)', (head, labels, classes) => {
  const spec: HeadSpec = { head, height: H, width: W, conv, convBias, dense: [[2], [-2.5], [1.2], [-1.5]], denseBias: [0.1], labels };
  const reference = byHand(spec, image);
  const z = reference.logits[0];
  let net: TestNet;
  let input: tf.Tensor4D;
  beforeAll(async () => {
    net = await headNet(spec);
    input = tf.tensor4d(image, [1, H, W, 3]);
  });
  afterAll(() => {
    net.dispose();
    input.dispose();
  });

  it('has two classes, the second named "not …"', () => {
    expect(net.ours.outputActivation).toBe('sigmoid');
    expect(net.ours.labels).toEqual(classes);
  });

  it('classify: sigmoid probabilities p and 1 − p of the model output p, scores z and −z', () => {
    const predicted = tf.tidy(() => (net.stock.predict(input) as tf.Tensor).dataSync()[0]);
    expect(predicted).toBeCloseTo(sigmoid(z), 6);
    expect(predicted).toBeGreaterThan(0.05);
    expect(predicted).toBeLessThan(0.95);
    const scores = scoreInput(net.ours, input);
    expectClose(scores.logits, [z, -z], 1e-5);
    expectClose(scores.probabilities, [predicted, 1 - predicted], 1e-6);
    expect(scores.probabilities[0] + scores.probabilities[1]).toBeCloseTo(1, 6);
    const top = topClasses(net.ours, scores, 5);
    expect(top.map((c) => c.label).sort()).toEqual([...classes].sort());
    expect(top.find((c) => c.index === 1)).toMatchObject({ label: classes[1], score: expect.closeTo(1 - predicted, 6), logit: expect.closeTo(-z, 5) });
  });

  it('Grad-CAM of class 1 explains −z: the gradient and the channel weights negate', async () => {
    const positive = await readLayerGradient(net.ours, input, 'feat', 0);
    const negative = await readLayerGradient(net.ours, input, 'feat', 1);
    expect(Array.from(negative.gradient.data)).toEqual(Array.from(positive.gradient.data, (g) => -g));
    expectClose(negative.logits, [z, -z], 1e-5);
    for (const classIndex of [0, 1]) {
      const out = await explain(net.ours, input, { method: 'gradcam', layer: 'feat', classIndex });
      const expected = gradcamByHand(reference, gradcamWeightsByHand(spec, reference, classIndex));
      expect(Math.max(...expected)).toBeGreaterThan(0.01);
      expectClose(out.map.data, expected, 1e-6);
    }
  });

  it('saliency methods differentiate −z for class 1', async () => {
    const positive = await logitGradients(net.ours, image, 1, { height: H, width: W }, 0);
    const negative = await logitGradients(net.ours, image, 1, { height: H, width: W }, 1);
    expect(positive.some((g) => g !== 0)).toBe(true);
    expect(Array.from(negative)).toEqual(Array.from(positive, (g) => -g));
    // Integrated Gradients adds up to z(x) − z(x′) for class 0 and to its negative for class 1.
    const ig0 = await explain(net.ours, input, { method: 'integrated-gradients', layer: 'feat', classIndex: 0, igSteps: 64 });
    const ig1 = await explain(net.ours, input, { method: 'integrated-gradients', layer: 'feat', classIndex: 1, igSteps: 64 });
    expect(ig0.completenessGap).toBeLessThan(0.05);
    expect(ig1.completenessGap).toBeLessThan(0.05);
    expect(ig0.map.data.some((v, i) => v > 0 && ig1.map.data[i] > 0)).toBe(false);
  });

  it.each(METHODS)('%s explains class 1 (finite map); class 2 does not exist', async (method) => {
    const out = await explain(net.ours, input, { method, layer: 'feat', classIndex: 1, ...FAST });
    expect(out.map.data.every(Number.isFinite)).toBe(true);
    await expect(explain(net.ours, input, { method, layer: 'feat', classIndex: 2 })).rejects.toBeInstanceOf(ExplainError);
  });

  it('faithfulness tracks σ(z) for class 0 and σ(−z) = 1 − σ(z) for class 1', async () => {
    const { map } = await explain(net.ours, input, { method: 'gradcam', layer: 'feat', classIndex: 0 });
    const first = await faithfulness(net.ours, input, map, 0, { steps: 4 });
    const second = await faithfulness(net.ours, input, map, 1, { steps: 4 });
    expect(first.deletion[0]).toBeCloseTo(sigmoid(z), 5);
    expectClose(
      first.deletion.map((p, i) => p + second.deletion[i]),
      new Array(first.deletion.length).fill(1),
      1e-6,
    );
    expectClose(
      first.insertion.map((p, i) => p + second.insertion[i]),
      new Array(first.insertion.length).fill(1),
      1e-6,
    );
    expect(new Set(first.deletion).size).toBeGreaterThan(1); // the curve moves: not a constant 1
  });
});

describe('three sigmoid outputs (multi-label)', () => {
  const spec: HeadSpec = {
    head: 'dense-sigmoid',
    height: H,
    width: W,
    conv,
    convBias,
    dense: [
      [0.8, -0.6, 0.1],
      [-0.5, -0.7, 0.2],
      [0.4, -0.3, 0.3],
      [0.6, -0.2, -0.4],
    ],
    denseBias: [0.2, -0.1, 0.3],
  };
  const reference = byHand(spec, image);
  let net: TestNet;
  let input: tf.Tensor4D;
  beforeAll(async () => {
    net = await headNet(spec);
    input = tf.tensor4d(image, [1, H, W, 3]);
  });
  afterAll(() => {
    net.dispose();
    input.dispose();
  });

  it('each class is one output with its own sigmoid probability (the model output)', () => {
    expect(net.ours.outputActivation).toBe('sigmoid');
    expect(net.ours.labels).toEqual(['class 0', 'class 1', 'class 2']);
    const predicted = tf.tidy(() => Array.from((net.stock.predict(input) as tf.Tensor).dataSync()));
    const scores = scoreInput(net.ours, input);
    expectClose(scores.logits, reference.logits, 1e-5);
    expectClose(scores.probabilities, reference.logits.map(sigmoid), 1e-6);
    expectClose(scores.probabilities, predicted, 1e-6);
    expect(Math.abs(scores.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeGreaterThan(0.1);
    const { [LOGITS]: logits } = net.ours.run(input, [LOGITS]);
    expect(logits.shape).toEqual([1, 3]);
    logits.dispose();
  });

  it('Grad-CAM explains each logit; faithfulness tracks its sigmoid; no fourth class', async () => {
    for (const classIndex of [0, 1, 2]) {
      const out = await explain(net.ours, input, { method: 'gradcam', layer: 'feat', classIndex });
      expectClose(out.map.data, gradcamByHand(reference, gradcamWeightsByHand(spec, reference, classIndex)), 1e-6);
      const curve = await faithfulness(net.ours, input, out.map, classIndex, { steps: 2 });
      expect(curve.deletion[0]).toBeCloseTo(sigmoid(reference.logits[classIndex]), 5);
    }
    await expect(explain(net.ours, input, { method: 'gradcam', layer: 'feat', classIndex: 3 })).rejects.toBeInstanceOf(ExplainError);
  });
});

// science.md's known failures, each as a test: all-zero maps, constant channels, softmax
// saturation, wrong target layer, repeatability and tensor leaks.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, LOGITS, type CnnModel } from '../engine/types';
import { LAYER_METHODS, METHODS, type Method } from '../../preload/contract';
import { explain } from './index';
import { ExplainError, NO_POSITIVE_EVIDENCE } from './types';
import { useCpuBackend } from './testing/backend';
import { createTinyModel, type TinyModelSpec } from './testing/tiny-model';
import { expectClose, matrix, pointwiseKernel, seededValues } from './testing/reference';
import { byHand, gradcamByHand, gradcamWeightsByHand, headNet, type Head, type HeadSpec } from './testing/heads';
import type { TestNet } from '../engine/testing/nets';

const H = 4;
const W = 6;
const K = 4;
const weights = matrix(seededValues('fw', 3 * K), 3, K);
const bias = [0.3, 0.2, 0.1, 0.25];
// Class 1 has only negative channel weights: nothing raises its score.
const dense = [
  [0.8, -0.6, 0.1],
  [-0.5, -0.7, 0.2],
  [0.4, -0.3, 0.3],
  [0.6, -0.2, -0.4],
];
const image = Float32Array.from(seededValues('fx', H * W * 3, 0, 1));
const spec = (extra: Partial<TinyModelSpec> = {}): TinyModelSpec => ({
  height: H,
  width: W,
  kernel: pointwiseKernel(weights),
  bias,
  head: 'gap',
  dense,
  denseBias: [0, 0, 0],
  pool: 2,
  ...extra,
});
const FAST = { scorecamBatch: 8, smoothgradSamples: 4, igSteps: 32 };

beforeAll(useCpuBackend);

describe('known failures', () => {
  const model = createTinyModel(spec());
  let input: tf.Tensor4D;
  beforeAll(() => {
    input = tf.tensor4d(image, [1, H, W, 3]);
  });
  afterAll(() => {
    input.dispose();
    model.dispose();
  });

  it.each(['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'guided-backprop', 'guided-gradcam'] as Method[])(
    '1. all-zero map (%s): zeros, no NaN, "no positive evidence"',
    async (method) => {
      const out = await explain(model, input, { method, layer: 'feat', classIndex: 1, ...FAST });
      expect(out.map.data.every((v) => v === 0)).toBe(true);
      expect(out.notes).toContain(NO_POSITIVE_EVIDENCE);
    },
  );

  it.each(['scorecam', 'eigencam', 'gradcam'] as Method[])('2. dead layer, every channel constant (%s): finite zeros', async (method) => {
    const dead = createTinyModel(spec({ bias: [-9, -9, -9, -9] }));
    const out = await explain(dead, input, { method, layer: 'feat', classIndex: 0, ...FAST });
    dead.dispose();
    expect(Array.from(out.map.data)).toEqual(new Array(out.map.data.length).fill(0));
    expect(out.notes).toContain(NO_POSITIVE_EVIDENCE);
  });

  it.each(LAYER_METHODS)('4. a 2-D layer is refused by %s, naming the layer and its shape', async (method) => {
    const run = explain(model, input, { method, layer: 'vector', classIndex: 0 });
    await expect(run).rejects.toBeInstanceOf(EngineError);
    await expect(run).rejects.toMatchObject({ code: 'not-spatial', message: expect.stringMatching(/"vector".*\[4\].*"feat"/) });
  });

  it("4. the engine's own not-spatial error gets the layer's shape added", async () => {
    // A model whose layer list wrongly calls 'vector' spatial: the engine call itself refuses.
    const lyingWithThreeDims: CnnModel = {
      ...model,
      layers: model.layers.map((l) => (l.name === 'vector' ? { ...l, spatial: true, outputShape: [1, 1, 4] } : l)),
    };
    await expect(explain(lyingWithThreeDims, input, { method: 'gradcam', layer: 'vector', classIndex: 0 })).rejects.toMatchObject({
      code: 'not-spatial',
      message: expect.stringContaining('Layer "vector" has output shape [1, 1, 4]'),
    });
    await expect(explain(lyingWithThreeDims, input, { method: 'scorecam', layer: 'vector', classIndex: 0 })).rejects.toMatchObject({
      code: 'not-spatial',
      message: expect.stringContaining('"vector"'),
    });
  });

  it('unknown layer, bad class index and a batch are refused clearly', async () => {
    await expect(explain(model, input, { method: 'gradcam', layer: 'nope', classIndex: 0 })).rejects.toMatchObject({
      code: 'unknown-layer',
      message: expect.stringContaining('"nope"'),
    });
    await expect(explain(model, input, { method: 'gradcam', layer: 'feat', classIndex: 3 })).rejects.toBeInstanceOf(ExplainError);
    await expect(explain(model, input, { method: 'gradcam', layer: 'feat', classIndex: 3 })).rejects.toThrow(/3 classes/);
    const two = tf.concat([input, input]);
    await expect(explain(model, two, { method: 'gradcam', layer: 'feat', classIndex: 0 })).rejects.toMatchObject({ code: 'bad-input' });
    two.dispose();
  });

  it.each(METHODS)('8. %s: identical maps on repeated runs, no tensor leak, finite values', async (method) => {
    const before = tf.memory().numTensors;
    const first = await explain(model, input, { method, layer: 'feat', classIndex: 0, ...FAST });
    for (let i = 0; i < 3; i++) {
      const again = await explain(model, input, { method, layer: 'feat', classIndex: 0, ...FAST });
      expect(Array.from(again.map.data)).toEqual(Array.from(first.map.data));
    }
    expect(first.map.data.every(Number.isFinite)).toBe(true);
    expect(first.map.data.some((v) => v > 0)).toBe(true);
    const wrongLayer = explain(model, input, { method, layer: 'vector', classIndex: 0, ...FAST });
    if (LAYER_METHODS.includes(method)) await expect(wrongLayer).rejects.toMatchObject({ code: 'not-spatial' });
    else expect(Array.from((await wrongLayer).map.data)).toEqual(Array.from(first.map.data)); // the layer is not used
    expect(tf.memory().numTensors).toBe(before);
  });
});

// Through the real Keras engine, so the softmax is really there: a test model without one could
// not tell the logit from the probability.
describe.each(['dense-softmax', 'softmax-layer', 'activation-softmax', 'relu-softmax'] as Head[])(
  '3. softmax saturation (logits ≈ [20, 0, 0]), head %s',
  (head) => {
    const headSpec: HeadSpec = { head, height: H, width: W, conv: weights, convBias: bias, dense, denseBias: [20, 0, -1] };
    const reference = byHand(headSpec, image);
    let net: TestNet;
    let input: tf.Tensor4D;
    beforeAll(async () => {
      net = await headNet(headSpec);
      input = tf.tensor4d(image, [1, H, W, 3]);
    });
    afterAll(() => {
      net.dispose();
      input.dispose();
    });

    it("softmax(logits) is the model's own output, and it is saturated", () => {
      expect(net.ours.outputActivation).toBe('softmax');
      const { [LOGITS]: logits } = net.ours.run(input, [LOGITS]);
      const predicted = net.stock.predict(input) as tf.Tensor;
      const soft = tf.softmax(logits);
      expectClose(logits.dataSync(), reference.logits, 1e-4);
      expectClose(soft.dataSync(), predicted.dataSync(), 1e-6);
      expect(predicted.dataSync()[0]).toBeGreaterThan(1 - 1e-7);
      tf.dispose([logits, predicted, soft]);
    });

    it.each([0, 1, 2])('the Grad-CAM map of class %i is the logit-target map computed by hand', async (classIndex) => {
      const out = await explain(net.ours, input, { method: 'gradcam', layer: 'feat', classIndex });
      const expected = gradcamByHand(reference, gradcamWeightsByHand(headSpec, reference, classIndex));
      if (classIndex === 0) expect(Math.max(...expected)).toBeGreaterThan(0.05); // saturated, yet not empty
      expectClose(out.map.data, expected, 1e-6);
    });

    if (head === 'relu-softmax') {
      it("class 2's ReLU is closed: its logit is 0 and nothing raises it", () => {
        expect(reference.dense[2]).toBeLessThan(0);
        // The pre-ReLU output would give this class a map.
        const ungated = gradcamByHand(reference, dense.map((row) => row[2] / (H * W)));
        expect(Math.max(...ungated)).toBeGreaterThan(0.005);
      });
    }
  },
);

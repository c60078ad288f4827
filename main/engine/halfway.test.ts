// Calls that pass every up-front check and fail half-way, on the bundled models on wasm: an input
// too small for the model gets through the input check, runs part of the network (under the
// gradient tape or not), then meets a window with no output. It must fail with a clear error, leak
// nothing, and leave the backend working (wasm's kernels write out of bounds on an empty output).
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from './runtime';
import { getModel } from './bundled';
import { EngineError, LOGITS } from './types';

process.env.CONVSCOPE_BACKEND = 'wasm';

/** small: an input side that passes the input check and fails later; head: fails inside the tape from here. */
const CASES = [
  { id: 'inception_v3', small: 40, head: 'mixed2' },
  { id: 'mobilenet_v2', small: 40, head: 'block_12_add' },
] as const;

describe.each(CASES)('$id', ({ id, small, head }) => {
  beforeAll(async () => {
    await initRuntime();
    expect(tf.getBackend()).toBe('wasm');
  });

  test('bad layer name: every entry point names the layer, nothing leaked', async () => {
    const model = await getModel(id);
    const x = tf.zeros([1, 96, 96, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const named = /layer "nope" does not exist in/;
    expect(() => model.layerGradient(x, 'nope', 0)).toThrow(named);
    expect(() => model.inputGradient(x, ['nope'], (a) => tf.sum(a.nope) as tf.Scalar)).toThrow(named);
    expect(() => model.run(x, [LOGITS, 'nope'])).toThrow(named);
    try {
      model.layerGradient(x, 'nope', 0);
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('unknown-layer');
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  test('an input too small for the model: fails half-way with a clear error, leaks nothing, the backend still works', async () => {
    const model = await getModel(id);
    const full = tf.randomUniform([1, ...model.inputSize, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    const tiny = tf.randomUniform([1, small, small, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const reference = model.layerGradient(full, model.defaultCamLayer, 1);
    const expected = reference.gradient.dataSync().slice();
    tf.dispose([reference.activation, reference.gradient, reference.logits]);
    // The head's layer is reachable at this size: the forward to it succeeds.
    const reachable = model.run(tiny, [head])[head];
    expect(reachable.size).toBeGreaterThan(0);
    reachable.dispose();

    const before = tf.memory().numTensors;
    const tooSmall = /gives no output on a \d+×\d+ map: the input image is too small for this model/;
    // Forward to the layer, then the head fails under the gradient tape.
    expect(() => model.layerGradient(tiny, head, 1)).toThrow(tooSmall);
    // The trunk fails under the tape, before the objective is reached.
    expect(() => model.inputGradient(tiny, [LOGITS], (a) => tf.sum(a[LOGITS]) as tf.Scalar)).toThrow(tooSmall);
    // No tape: the forward pass alone fails part-way.
    expect(() => model.run(tiny, [LOGITS])).toThrow(tooSmall);
    expect(() => model.layerGradient(tiny, model.defaultCamLayer, 1)).toThrow(tooSmall);
    expect(tf.memory().numTensors).toBe(before);

    const again = model.layerGradient(full, model.defaultCamLayer, 1);
    expect(Array.from(again.gradient.dataSync())).toEqual(Array.from(expected));
    tf.dispose([again.activation, again.gradient, again.logits, full, tiny]);
  });
});

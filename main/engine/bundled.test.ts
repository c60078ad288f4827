// The bundled nsfwjs models on wasm: real photo classification, determinism, errors, leaks.
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { initRuntime } from './runtime';
import { getModel } from './bundled';
import { toModelInput } from './preprocess';
import { EngineError, LOGITS } from './types';
import { photo } from '../testing/paths';

process.env.CONVSCOPE_BACKEND = 'wasm';

async function loadPhoto(file: string) {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe.each(['inception_v3', 'mobilenet_v2'] as const)('%s', (id) => {
  beforeAll(async () => {
    await initRuntime();
  });

  test('classifies a real photo: probabilities sum to 1, deterministic', async () => {
    const model = await getModel(id);
    const img = await loadPhoto(photo('everyday/coffee.png'));
    const x = toModelInput(img, model, model.inputSize);
    const a = model.run(x, [LOGITS]);
    const b = model.run(x, [LOGITS]);
    const p = tf.softmax(a[LOGITS]);
    const probs = Array.from(p.dataSync());
    expect(probs.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(Array.from(a[LOGITS].dataSync())).toEqual(Array.from(b[LOGITS].dataSync()));
    tf.dispose([x, a[LOGITS], b[LOGITS], p]);
  });

  test('bad layer name: EngineError naming the layer, nothing leaked', async () => {
    const model = await getModel(id);
    const x = tf.zeros([1, 96, 96, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    expect(() => model.layerGradient(x, 'nope', 0)).toThrow(EngineError);
    expect(() => model.run(x, ['nope'])).toThrow(/layer "nope" does not exist in/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  test('no leaks over 50 layerGradient + 50 inputGradient calls', async () => {
    const model = await getModel(id);
    const full = tf.randomUniform([1, ...model.inputSize, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const small = tf.randomUniform([1, 80, 80, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const dream = model.defaultDreamLayers[0];
    const layerStep = () => {
      const g = model.layerGradient(full, model.defaultCamLayer, 1);
      tf.dispose([g.activation, g.gradient, g.logits]);
    };
    const dreamStep = () => model.inputGradient(small, [dream], (a) => tf.mean(a[dream]) as tf.Scalar);
    // Warm-up: per-size constants (pooling counts) are cached on first use, by design.
    layerStep();
    dreamStep().gradient.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) layerStep();
    for (let i = 0; i < 50; i++) {
      const g = dreamStep();
      expect(Number.isFinite(g.value)).toBe(true);
      g.gradient.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([full, small]);
  });
});

// Grad-CAM on a real photo with the real engine (MobileNetV2, bundled weights), through the
// product's own decoding and preprocessing.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadBundledModel } from '../engine/bundled';
import { initRuntime } from '../engine/runtime';
import { LOGITS } from '../engine/types';
import { photoToModelInput } from '../engine/preprocess';
import { decodePhoto } from '../image/decode';
import { photo } from '../testing/paths';
import { explain } from './index';
import { faithfulness } from './faithfulness';

describe('integration: MobileNetV2 on chelsea.png', () => {
  it('Grad-CAM is finite, repeatable, leak-free and more faithful than its reverse', async () => {
    await initRuntime({ prefer: 'wasm' });
    const model = await loadBundledModel('mobilenet_v2');
    const decoded = await decodePhoto(photo('everyday/chelsea.png'));
    const input = await photoToModelInput(decoded.image, model);
    const logits = tf.tidy(() => Array.from(model.run(input, [LOGITS])[LOGITS].dataSync()));
    const classIndex = logits.indexOf(Math.max(...logits));

    const options = { method: 'gradcam' as const, layer: model.defaultCamLayer, classIndex };
    // The first call may build the engine's one-time caches (e.g. flipped filters); later calls must not grow.
    const first = await explain(model, input, options);
    const before = tf.memory().numTensors;
    const second = await explain(model, input, options);
    await explain(model, input, options);
    expect(tf.memory().numTensors).toBe(before);
    expect([first.map.width, first.map.height]).toEqual([7, 7]);
    expect(first.map.data.every(Number.isFinite)).toBe(true);
    expect(first.map.data.some((v) => v > 0)).toBe(true);
    expect(Array.from(second.map.data)).toEqual(Array.from(first.map.data));

    const reverse = { ...first.map, data: first.map.data.map((v) => -v) };
    const good = await faithfulness(model, input, first.map, classIndex, { steps: 8 });
    const bad = await faithfulness(model, input, reverse, classIndex, { steps: 8 });
    expect(good.deletionAuc).toBeLessThan(bad.deletionAuc);
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });
});

// Grad-CAM on a real photo with the real engine (MobileNetV2, bundled weights). Skipped until the
// engine's public entry main/engine/index.ts exists.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LOGITS, type CnnModel } from '../engine/types';
import { photo, REPO } from '../testing/paths';
import { explain } from './index';
import { faithfulness } from './faithfulness';

const ENGINE = resolve(REPO, 'main/engine/index.ts');

interface EngineEntry {
  loadBundledModel(id: 'mobilenet_v2'): Promise<CnnModel>;
  initRuntime?(options?: { prefer?: string }): Promise<unknown>;
}

describe.skipIf(!existsSync(ENGINE))('integration: MobileNetV2 on chelsea.png', () => {
  it('Grad-CAM is finite, repeatable, leak-free and more faithful than its reverse', async () => {
    const engine = (await import(/* @vite-ignore */ pathToFileURL(ENGINE).href)) as EngineEntry;
    await engine.initRuntime?.({ prefer: 'wasm' });
    const model = await engine.loadBundledModel('mobilenet_v2');
    const { data, info } = await sharp(photo('everyday/chelsea.png')).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const [low, high] = model.inputRange;
    const input = tf.tidy(() => {
      const pixels = tf.tensor4d(new Uint8Array(data), [1, info.height, info.width, 3], 'int32').toFloat();
      const resized = tf.image.resizeBilinear(pixels, model.inputSize, false, true);
      return tf.add(tf.mul(resized, (high - low) / 255), low) as tf.Tensor4D;
    });
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

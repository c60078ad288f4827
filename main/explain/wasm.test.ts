// The app computes on wasm: every method must give the cpu reference's map there, without leaks.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../preload/contract';
import { explain } from './index';
import type { ExplainOutput } from './types';
import { createTinyModel } from './testing/tiny-model';
import { expectClose, matrix, pointwiseKernel, seededValues } from './testing/reference';

const H = 6;
const W = 8;
const K = 5;
const spec = {
  height: H,
  width: W,
  kernel: pointwiseKernel(matrix(seededValues('ww', 3 * K), 3, K)),
  bias: seededValues('wb', K, -0.1, 0.3),
  head: 'gap' as const,
  dense: matrix(seededValues('wd', K * 3), K, 3),
  denseBias: [0, 0.1, -0.1],
};
const image = Float32Array.from(seededValues('wx', H * W * 3, 0, 1));
const options = { layer: 'feat', classIndex: 0, smoothgradSamples: 4, igSteps: 32 };

async function allMethods(): Promise<ExplainOutput[]> {
  const model = createTinyModel(spec);
  const input = tf.tensor4d(image, [1, H, W, 3]);
  const outputs: ExplainOutput[] = [];
  for (const method of METHODS) outputs.push(await explain(model, input, { method, ...options }));
  input.dispose();
  model.dispose();
  return outputs;
}

describe('on the wasm backend', () => {
  it('every method matches the cpu backend and leaks nothing', async () => {
    await tf.setBackend('cpu');
    const reference = await allMethods();

    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    expect(await tf.setBackend('wasm')).toBe(true);
    const before = tf.memory().numTensors;
    const onWasm = await allMethods();
    expect(tf.memory().numTensors).toBe(before);
    METHODS.forEach((method, i) => {
      const scale = Math.max(1e-6, ...reference[i].map.data.map(Math.abs));
      try {
        expectClose(onWasm[i].map.data, reference[i].map.data, 1e-4 * scale);
      } catch (error) {
        throw new Error(`${method}: ${(error as Error).message}`);
      }
    });
  });
});

// Default ladder: tfjs-node(-gpu) are not installed here, so wasm wins and the reasons are recorded.
import { expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { getRuntime, initRuntime } from './runtime';

test('falls back to wasm (SIMD) and says why the native backends were skipped', async () => {
  delete process.env.CONVSCOPE_BACKEND;
  expect(getRuntime()).toBeUndefined();
  const [a, b] = await Promise.all([initRuntime(), initRuntime()]);
  expect(a).toBe(b);
  expect(a.backend).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  expect(a.detail).toMatch(/WebAssembly \(SIMD, 1 thread\)/);
  expect(a.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
  for (const s of a.skipped) expect(s.reason).toMatch(/not installed/);
  expect(await initRuntime({ prefer: 'cpu' })).toBe(a); // idempotent
  expect(getRuntime()).toBe(a);
});

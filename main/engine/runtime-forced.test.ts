// CONVSCOPE_BACKEND forces one backend; a bad value is a clear error and does not poison later calls.
import { expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from './runtime';
import { EngineError } from './types';

test('a bad CONVSCOPE_BACKEND names the value, then a valid one works', async () => {
  process.env.CONVSCOPE_BACKEND = 'cuda';
  await expect(initRuntime()).rejects.toThrow(EngineError);
  await expect(initRuntime()).rejects.toThrow(/CONVSCOPE_BACKEND="cuda"/);
  process.env.CONVSCOPE_BACKEND = 'tensorflow';
  await expect(initRuntime()).rejects.toThrow(/tensorflow: not installed/);
  process.env.CONVSCOPE_BACKEND = 'cpu';
  const info = await initRuntime();
  expect(info.backend).toBe('cpu');
  expect(tf.getBackend()).toBe('cpu');
  expect(info.skipped).toEqual([]);
});

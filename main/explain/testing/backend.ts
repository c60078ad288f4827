import * as tf from '@tensorflow/tfjs-core';
// The full package registers the cpu backend and every gradient (tfjs-core alone has none), as the engine does.
import '@tensorflow/tfjs';

/** The pure-JS cpu backend, with kernel-level leak checks on. */
export async function useCpuBackend(): Promise<void> {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  await tf.ready();
}

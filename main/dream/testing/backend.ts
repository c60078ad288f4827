import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
// Gradients register on import of the tfjs-core subpath (the full `@tensorflow/tfjs` does the same).
import '@tensorflow/tfjs-core/dist/register_all_gradients';

/** Tests run on wasm (tfjs-node does not load here); `cpu` for references. */
export async function useBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<void> {
  if (tf.getBackend() === name) return;
  await tf.setBackend(name);
  await tf.ready();
}

// Engine timings: forward passes, one Deep Dream step, one Grad-CAM map (medians after a warm-up).
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '../main/engine/runtime';
import { getModel } from '../main/engine/bundled';
import { LOGITS } from '../main/engine/types';

export interface BenchOptions {
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time of `fn` (which must read its result back, so the work is really done). */
async function time(runs: number, fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up: kernel setup, XNNPACK operator caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return Math.round(median(samples) * 10) / 10;
}

export async function engineSection({ runs }: BenchOptions): Promise<Record<string, number | string>> {
  const runtime = await initRuntime();
  const inception = await getModel('inception_v3');
  const mobilenet = await getModel('mobilenet_v2');
  const image299 = tf.randomUniform([1, 299, 299, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const image224 = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 2) as tf.Tensor4D;

  const forward = (model: typeof inception, input: tf.Tensor4D, output: string) => async () => {
    const out = model.run(input, [output]);
    await out[output].data();
    out[output].dispose();
  };
  const inceptionForward = await time(runs, forward(inception, image299, LOGITS));
  const mixed3Forward = await time(runs, forward(inception, image299, 'mixed3'));
  const mixed3Step = await time(runs, async () => {
    const { gradient } = inception.inputGradient(image299, ['mixed3'], (a) => tf.mean(a.mixed3) as tf.Scalar);
    await gradient.data();
    gradient.dispose();
  });
  const mobilenetForward = await time(runs, forward(mobilenet, image224, LOGITS));
  const gradcam = await time(runs, async () => {
    const { activation, gradient, logits } = mobilenet.layerGradient(image224, mobilenet.defaultCamLayer, 2);
    const map = tf.tidy(() => {
      const weights = tf.mean(gradient, [1, 2], true);
      return tf.relu(tf.sum(tf.mul(weights, activation), 3));
    });
    await map.data();
    tf.dispose([activation, gradient, logits, map]);
  });
  tf.dispose([image299, image224]);
  return {
    backend: runtime.backend,
    inception_forward_ms: inceptionForward,
    inception_mixed3_forward_ms: mixed3Forward,
    inception_mixed3_step_ms: mixed3Step,
    mobilenet_forward_ms: mobilenetForward,
    mobilenet_gradcam_ms: gradcam,
    step_forward_ratio: Math.round((mixed3Step / mixed3Forward) * 100) / 100,
  };
}

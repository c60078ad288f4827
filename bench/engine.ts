// Engine timings: forward passes, one Deep Dream step, one Grad-CAM map (medians after a warm-up).
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '../main/engine/runtime';
import { getModel } from '../main/engine/bundled';
import { LOGITS } from '../main/engine/types';
import { explain } from '../main/explain';

export interface BenchOptions {
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounded to `decimals` places (without float noise such as 677.4000000000001). */
const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));

/**
 * Wall times of several measurements taken in rounds (one of each per round, after a warm-up of
 * each), so that whatever else the machine is doing affects them alike and ratios stay fair.
 * Every function must read its result back, so the work is really done.
 */
async function timeInRounds<K extends string>(runs: number, fns: Record<K, () => Promise<void>>): Promise<Record<K, number[]>> {
  const keys = Object.keys(fns) as K[];
  for (const key of keys) await fns[key](); // warm-up: kernel setup, XNNPACK operator caches
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const key of keys) {
      const start = performance.now();
      await fns[key]();
      samples[key].push(performance.now() - start);
    }
  }
  return samples;
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
  const samples = await timeInRounds(runs, {
    inceptionForward: forward(inception, image299, LOGITS),
    mixed3Forward: forward(inception, image299, 'mixed3'),
    mixed3Step: async () => {
      const { gradient } = inception.inputGradient(image299, ['mixed3'], (a) => tf.mean(a.mixed3) as tf.Scalar);
      await gradient.data();
      gradient.dispose();
    },
    mobilenetForward: forward(mobilenet, image224, LOGITS),
    // The product's own Grad-CAM: head gradient, channel weights, ReLU'd map read back.
    gradcam: async () => {
      await explain(mobilenet, image224, { method: 'gradcam', layer: mobilenet.defaultCamLayer, classIndex: 2 });
    },
  });
  tf.dispose([image299, image224]);
  const ms = (values: number[]): number => round(median(values), 1);
  // The ratio of each round's step to the same round's forward pass, then the median: robust to
  // load that comes and goes during the run.
  const ratios = samples.mixed3Step.map((step, i) => step / samples.mixed3Forward[i]);
  return {
    backend: runtime.backend,
    inception_forward_ms: ms(samples.inceptionForward),
    inception_mixed3_forward_ms: ms(samples.mixed3Forward),
    inception_mixed3_step_ms: ms(samples.mixed3Step),
    mobilenet_forward_ms: ms(samples.mobilenetForward),
    mobilenet_gradcam_ms: ms(samples.gradcam),
    step_forward_ratio: round(median(ratios), 2),
  };
}

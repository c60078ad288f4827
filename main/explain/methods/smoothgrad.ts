// SmoothGrad (Smilkov et al.): the mean of ∂z/∂x over noisy copies x + N(0, σ²), σ a fraction of
// the model's input range; seeded, so the same seed gives the same map. Map = max over colour
// channels of |mean gradient| (as tf-keras-vis).
import seedrandom from 'seedrandom';
import { EXPLAIN_DEFAULTS } from '../../../preload/contract';
import { ExplainError } from '../types';
import { throwIfAborted, yieldToEventLoop } from '../../abort';
import { finishMap, maxAbsOverChannels, positiveInt, type MethodFn } from '../base';
import { GRADIENT_BATCH, logitGradients } from './input-gradient';

const DEFAULT_SIGMA = 0.15;

/** Standard normal samples (Box–Muller) from a seeded generator. */
export function gaussianNoise(random: () => number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - random(); // (0, 1]: log stays finite
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    out[i] = radius * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export const smoothgrad: MethodFn = async (model, input, options) => {
  const samples = positiveInt(options.smoothgradSamples, EXPLAIN_DEFAULTS.samples, 'smoothgradSamples');
  const sigmaFraction = options.smoothgradSigma ?? DEFAULT_SIGMA;
  if (!(sigmaFraction >= 0 && sigmaFraction <= 10)) {
    throw new ExplainError('bad-option', `smoothgradSigma must be a fraction of the input range; got ${sigmaFraction}.`);
  }
  const sigma = sigmaFraction * (model.inputRange[1] - model.inputRange[0]);
  const random = seedrandom(String(options.seed ?? 1));
  const [, height, width] = input.shape;
  const pixels = (await input.data()) as Float32Array;
  const size = pixels.length;
  const total = new Float64Array(size);

  for (let start = 0; start < samples; start += GRADIENT_BATCH) {
    throwIfAborted(options.signal);
    const count = Math.min(GRADIENT_BATCH, samples - start);
    const noise = gaussianNoise(random, count * size);
    for (let i = 0; i < noise.length; i++) noise[i] = pixels[i % size] + sigma * noise[i];
    const gradients = await logitGradients(model, noise, count, { height, width }, options.classIndex);
    for (let i = 0; i < gradients.length; i++) total[i % size] += gradients[i];
    options.onProgress?.(start + count, samples, `SmoothGrad: ${start + count} of ${samples} samples`);
    await yieldToEventLoop();
  }
  throwIfAborted(options.signal);
  const mean = total.map((value) => value / samples);
  const note = `SmoothGrad: ${samples} samples, σ = ${Math.round(sigmaFraction * 100)} % of the input range, seed ${options.seed ?? 1}`;
  return finishMap(maxAbsOverChannels(mean, width, height, 3), [note]);
};

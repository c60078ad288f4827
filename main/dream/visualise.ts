// Feature visualisation: grow an image from seeded noise that maximises one channel, with
// jitter / scale / rotation robustness (Lucid's standard transforms) applied through a warp adjoint.
import type { CnnModel } from '../engine/types';
import { createRng } from './random';
import { buildObjective } from './objective';
import { toRgbImage, type FloatImage } from './float-image';
import { createWarp } from './warp';
import { createDecorrelator } from './decorrelate';
import { ascend, pixelGradient } from './gradient-step';
import { throwIfAborted, yieldToEventLoop } from '../abort';
import { DreamError } from './errors';
import type { DreamFrame, DreamOutcome } from './types';

export interface VisualiseOptions {
  /** Side of the square image; default max(128, model.minSize). */
  size?: number;
  /** Default 128. */
  steps?: number;
  /** Default 1. */
  seed?: number;
  signal?: AbortSignal;
  /** Precondition the gradient as Lucid's Fourier + colour-decorrelated parameterisation does. */
  decorrelate?: boolean;
  /** Normalised step, relative to a [-1, 1] range; default 0.05. */
  stepSize?: number;
}

export async function* visualiseChannel(
  model: CnnModel,
  layer: string,
  channel: number,
  options: VisualiseOptions = {},
): AsyncGenerator<DreamFrame, DreamOutcome, void> {
  const size = options.size ?? Math.max(128, model.minSize);
  const steps = options.steps ?? 128;
  const { signal } = options;
  if (size < model.minSize) {
    throw new DreamError('too-small', `A ${size} px visualisation is too small: ${model.name} needs at least ${model.minSize} px.`);
  }
  const objective = buildObjective(model, { objective: 'mean', channel: { layer, index: channel } });
  const range = model.inputRange;
  const half = (range[1] - range[0]) / 2;
  const stepSize = (options.stepSize ?? 0.05) * half;
  const rng = createRng(options.seed ?? 1);
  const image: FloatImage = { data: new Float32Array(size * size * 3), width: size, height: size };
  const mid = (range[0] + range[1]) / 2;
  for (let i = 0; i < image.data.length; i++) image.data[i] = mid + rng.normal() * 0.1 * half;
  const jitter = Math.max(1, Math.round(size / 16));
  const decorrelator = options.decorrelate ? createDecorrelator(size, size) : undefined;
  const notes: string[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      throwIfAborted(signal);
      const warp = createWarp(size, size, {
        dx: rng.int(-jitter, jitter + 1),
        dy: rng.int(-jitter, jitter + 1),
        scale: 0.95 + rng.next() * 0.1,
        angle: ((rng.next() * 20 - 10) * Math.PI) / 180,
      });
      const result = await pixelGradient(model, warp.apply(image.data), size, size, objective);
      let gradient = warp.adjoint(result.gradient);
      if (decorrelator) gradient = decorrelator.apply(gradient);
      if (!ascend(image.data, gradient, stepSize, range, objective.description) && notes.length === 0) {
        notes.push(`no gradient: ${objective.description} does not respond to this image at step ${step + 1}.`);
      }
      yield { index: step, octave: 0, step, objective: result.value, image: toRgbImage(image, range), octaveStart: step === 0, notes: [...notes] };
      await yieldToEventLoop();
    }
    return { image: toRgbImage(image, range), frames: steps, notes };
  } finally {
    decorrelator?.dispose();
  }
}

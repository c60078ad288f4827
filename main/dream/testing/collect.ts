// Runs a dream to its end in a test: every frame, and the outcome the generator returns.
import type { DreamSpec } from '../../../preload/contract';
import type { CnnModel } from '../../engine/types';
import type { RgbImage } from '../../image/types';
import { dream, type DreamFrame, type DreamOutcome } from '../index';

export async function collectDream(
  model: CnnModel,
  photo: RgbImage,
  spec: DreamSpec,
  options: Parameters<typeof dream>[3] = {},
): Promise<{ frames: DreamFrame[]; outcome: DreamOutcome }> {
  const frames: DreamFrame[] = [];
  const generator = dream(model, photo, spec, options);
  for (;;) {
    const next = await generator.next();
    if (next.done) return { frames, outcome: next.value };
    frames.push(next.value);
  }
}

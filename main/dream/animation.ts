import sharp from 'sharp';
import type { RgbImage } from '../image/types';
import { workingSize } from './plan';
import { resizeRgb } from '../image/encode';

export interface AnimationOptions {
  /** Frames per second; default 10. */
  fps?: number;
  /** Longest side of the animation; default: the last frame's size. */
  maxSide?: number;
}

/** libvips' palette search effort: its default (7) took 8× longer on dream frames for a file within 3 % of the size. */
const GIF_EFFORT = 3;

/** Raw pixels an animation may hold while it is encoded (its frames are kept until the end). */
export const ANIMATION_BYTE_BUDGET = 512 * 1024 * 1024;

/**
 * The longest side at which `count` frames of width × height fit the byte budget (never larger
 * than the frames): a long dream of a large photo becomes a smaller animation, not an out-of-memory.
 */
export function animationMaxSide(count: number, width: number, height: number, budget = ANIMATION_BYTE_BUDGET): number {
  const scale = Math.min(1, Math.sqrt(budget / (Math.max(1, count) * width * height * 3)));
  return Math.max(1, Math.floor(Math.max(width, height) * scale));
}

/**
 * An animated WebP or GIF (infinite loop) of the frames, all resized to the last frame's size
 * (fitted inside maxSide). Frames are shrunk to maxSide as they arrive, so memory stays at
 * frames × maxSide² × 3 bytes.
 */
export async function encodeAnimation(
  frames: RgbImage[] | AsyncIterable<RgbImage>,
  format: 'webp' | 'gif',
  options: AnimationOptions = {},
): Promise<Buffer> {
  const fps = options.fps ?? 10;
  if (!(fps > 0 && fps <= 100)) throw new RangeError(`encodeAnimation: fps must be in (0, 100], got ${fps}`);
  const maxSide = options.maxSide ?? 0;
  const collected: RgbImage[] = [];
  for await (const frame of frames) {
    const fitted = workingSize(frame, maxSide);
    collected.push(await resizeRgb(frame, fitted.width, fitted.height));
  }
  if (collected.length === 0) throw new RangeError('encodeAnimation: no frames');
  const last = collected[collected.length - 1];
  const { width, height } = last;
  const frameBytes = width * height * 3;
  const strip = Buffer.alloc(frameBytes * collected.length);
  for (let i = 0; i < collected.length; i++) {
    const frame = await resizeRgb(collected[i], width, height);
    strip.set(frame.data, i * frameBytes);
    collected[i] = last; // drop the reference early
  }
  const delay = Array(collected.length).fill(Math.round(1000 / fps));
  const image = sharp(strip, {
    raw: { width, height: height * collected.length, channels: 3, pageHeight: height },
    limitInputPixels: false,
  });
  return format === 'webp' ? image.webp({ loop: 0, delay, quality: 90 }).toBuffer() : image.gif({ loop: 0, delay, effort: GIF_EFFORT }).toBuffer();
}

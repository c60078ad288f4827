import { describe, expect, it } from 'vitest';
import { createWarp } from './warp';
import { createRng } from './random';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('createWarp', () => {
  it('is the identity for no transform', () => {
    const warp = createWarp(7, 5, { scale: 1, angle: 0, dx: 0, dy: 0 });
    const x = Float32Array.from({ length: 7 * 5 * 3 }, (_, i) => i);
    expect(Array.from(warp.apply(x))).toEqual(Array.from(x));
  });

  it('shifts by whole pixels with wrap-around', () => {
    const warp = createWarp(4, 1, { scale: 1, angle: 0, dx: 1, dy: 0 });
    const x = Float32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(Array.from(warp.apply(x).filter((_, i) => i % 3 === 0))).toEqual([3, 0, 1, 2]);
  });

  it('has an exact adjoint: <W x, y> = <x, Wᵀ y> for scale and rotation', () => {
    const rng = createRng(4);
    const width = 19;
    const height = 13;
    const warp = createWarp(width, height, { scale: 1.07, angle: 0.15, dx: -2, dy: 3 });
    const x = Float32Array.from({ length: width * height * 3 }, () => rng.normal());
    const y = Float32Array.from({ length: width * height * 3 }, () => rng.normal());
    const left = dot(warp.apply(x), y);
    const right = dot(x, warp.adjoint(y));
    expect(Math.abs(left - right)).toBeLessThan(1e-3 * Math.abs(left) + 1e-3);
  });
});

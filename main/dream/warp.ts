export interface WarpParams {
  /** Zoom about the centre (1 = none). */
  scale: number;
  /** Rotation about the centre, radians. */
  angle: number;
  /** Translation in pixels. */
  dx: number;
  dy: number;
}

/**
 * A fixed affine resampling of a width×height×3 image (bilinear, wrap-around borders) and its
 * adjoint: the adjoint carries a gradient on the warped image back onto the unwarped one, which
 * is what makes the jitter/scale/rotation robustness transforms differentiable.
 */
export interface Warp {
  apply(image: Float32Array): Float32Array;
  adjoint(gradient: ArrayLike<number>): Float32Array;
}

export function createWarp(width: number, height: number, params: WarpParams): Warp {
  const count = width * height;
  const index = new Int32Array(count * 4);
  const weight = new Float32Array(count * 4);
  const cx = width / 2;
  const cy = height / 2;
  const cos = Math.cos(-params.angle) / params.scale;
  const sin = Math.sin(-params.angle) / params.scale;
  const wrap = (v: number, n: number): number => ((v % n) + n) % n;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Inverse map of the output pixel centre onto the source image.
      const ux = x + 0.5 - cx - params.dx;
      const uy = y + 0.5 - cy - params.dy;
      const sx = cos * ux - sin * uy + cx - 0.5;
      const sy = sin * ux + cos * uy + cy - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const xa = wrap(x0, width);
      const xb = wrap(x0 + 1, width);
      const ya = wrap(y0, height);
      const yb = wrap(y0 + 1, height);
      const o = (y * width + x) * 4;
      index[o] = ya * width + xa;
      index[o + 1] = ya * width + xb;
      index[o + 2] = yb * width + xa;
      index[o + 3] = yb * width + xb;
      weight[o] = (1 - fx) * (1 - fy);
      weight[o + 1] = fx * (1 - fy);
      weight[o + 2] = (1 - fx) * fy;
      weight[o + 3] = fx * fy;
    }
  }
  return {
    apply(image) {
      const out = new Float32Array(count * 3);
      for (let p = 0; p < count; p++) {
        for (let k = 0; k < 4; k++) {
          const w = weight[p * 4 + k];
          const s = index[p * 4 + k] * 3;
          out[p * 3] += w * image[s];
          out[p * 3 + 1] += w * image[s + 1];
          out[p * 3 + 2] += w * image[s + 2];
        }
      }
      return out;
    },
    adjoint(gradient) {
      const out = new Float32Array(count * 3);
      for (let p = 0; p < count; p++) {
        for (let k = 0; k < 4; k++) {
          const w = weight[p * 4 + k];
          const s = index[p * 4 + k] * 3;
          out[s] += w * gradient[p * 3];
          out[s + 1] += w * gradient[p * 3 + 1];
          out[s + 2] += w * gradient[p * 3 + 2];
        }
      }
      return out;
    },
  };
}

import * as tf from '@tensorflow/tfjs-core';

// Lucid's colour-correlation square root (ImageNet), columns normalised by the largest norm.
const COLOR_SQRT = [
  [0.26, 0.09, 0.02],
  [0.27, 0.0, -0.05],
  [0.27, -0.09, 0.03],
];

function colourPreconditioner(): number[][] {
  const norms = [0, 1, 2].map((c) => Math.hypot(COLOR_SQRT[0][c], COLOR_SQRT[1][c], COLOR_SQRT[2][c]));
  const maxNorm = Math.max(...norms);
  const m = COLOR_SQRT.map((row) => row.map((v) => v / maxNorm));
  // M·Mᵀ: a gradient step on decorrelated colour parameters seen in RGB.
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => m[i][0] * m[j][0] + m[i][1] * m[j][1] + m[i][2] * m[j][2]));
}

function dftMatrices(n: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const cos = new Float32Array(n * n);
  const sin = new Float32Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const angle = (2 * Math.PI * ((k * j) % n)) / n;
      cos[k * n + j] = Math.cos(angle);
      sin[k * n + j] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor2d(cos, [n, n]), sin: tf.tensor2d(sin, [n, n]) };
}

/** 1/frequency spectrum scale (Lucid's Fourier image parameterisation, decay 1). */
function spectrumScale(height: number, width: number): tf.Tensor3D {
  const values = new Float32Array(height * width);
  const floor = 1 / Math.max(height, width);
  for (let k = 0; k < height; k++) {
    const fy = Math.min(k, height - k) / height;
    for (let l = 0; l < width; l++) {
      const fx = Math.min(l, width - l) / width;
      values[k * width + l] = 1 / Math.max(Math.hypot(fy, fx), floor);
    }
  }
  return tf.tensor3d(values, [height, width, 1]);
}

/** matrix · x along axis 0 (rows) or 1 (columns) of an H×W×3 tensor. */
function alongAxis(matrix: tf.Tensor2D, x: tf.Tensor, axis: 0 | 1): tf.Tensor3D {
  const [h, w] = x.shape;
  if (axis === 0) return tf.reshape(tf.matMul(matrix, tf.reshape(x, [h, w * 3])), [h, w, 3]);
  const t = tf.reshape(tf.transpose(x, [1, 0, 2]), [w, h * 3]);
  return tf.transpose(tf.reshape(tf.matMul(matrix, t), [w, h, 3]), [1, 0, 2]);
}

/**
 * A decorrelating preconditioner for feature visualisation: the gradient is filtered by 1/f in
 * the Fourier domain and mixed by the colour-correlation matrix, i.e. the image moves as if the
 * ascent ran on Lucid's decorrelated (Fourier + colour) parameters. Not a full reparameterisation.
 */
export function createDecorrelator(width: number, height: number): { apply(gradient: ArrayLike<number>): Float32Array; dispose(): void } {
  const rows = dftMatrices(height);
  const cols = width === height ? rows : dftMatrices(width);
  const scale = spectrumScale(height, width);
  const colour = tf.tensor2d(colourPreconditioner());
  return {
    apply(gradient) {
      return tf.tidy(() => {
        const g = tf.tensor3d(Float32Array.from(gradient), [height, width, 3]);
        // Forward DFT: F = (C − iS) g (C − iS).
        const cg = alongAxis(rows.cos, g, 0);
        const sg = alongAxis(rows.sin, g, 0);
        const re = tf.mul(tf.sub(alongAxis(cols.cos, cg, 1), alongAxis(cols.sin, sg, 1)), scale);
        const im = tf.mul(tf.neg(tf.add(alongAxis(cols.sin, cg, 1), alongAxis(cols.cos, sg, 1))), scale);
        // Inverse DFT (real part): (P C − Q S) / (H W), P = C re − S im, Q = C im + S re.
        const p = tf.sub(alongAxis(rows.cos, re, 0), alongAxis(rows.sin, im, 0));
        const q = tf.add(alongAxis(rows.cos, im, 0), alongAxis(rows.sin, re, 0));
        const spatial = tf.div(tf.sub(alongAxis(cols.cos, p, 1), alongAxis(cols.sin, q, 1)), height * width);
        const mixed = tf.matMul(tf.reshape(spatial, [height * width, 3]), colour, false, true);
        return mixed.dataSync() as Float32Array;
      });
    },
    dispose() {
      tf.dispose([rows.cos, rows.sin, scale, colour]);
      if (cols !== rows) tf.dispose([cols.cos, cols.sin]);
    },
  };
}

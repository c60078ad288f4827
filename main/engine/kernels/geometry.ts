// Keras/TF padding arithmetic along one spatial axis, and the backward-conv plan derived from it.

export type Padding = 'same' | 'valid';

export interface AxisGeometry {
  /** Input length. */
  size: number;
  /** Output length of the forward op. */
  out: number;
  /** Zero rows the forward op adds before the input. */
  before: number;
}

export function forwardAxis(size: number, kernel: number, stride: number, padding: Padding): AxisGeometry {
  if (padding === 'valid') {
    const out = Math.floor((size - kernel) / stride) + 1;
    return { size, out, before: 0 };
  }
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { size, out, before: Math.floor(total / 2) };
}

/**
 * The input gradient of a strided conv as ONE stride-1 conv over dy whose output has stride² phases
 * in its channels (the "sub-pixel" form: no multiplications by inserted zeros). Along one axis:
 * dx[u = q·s + r] = Σ_m dy[q − m] · W[r + m·s]. The stride-1 conv yields rows q = q0 … q0+rows−1;
 * after depth-to-space, rows u = q0·s … and the input starts `crop` rows later.
 */
export interface BackwardAxis {
  /** Taps per phase: ceil(k / s). */
  taps: number;
  padBefore: number;
  padAfter: number;
  /** How many dy rows to use (fewer than dy has when the last ones only touched padding). */
  dyRows: number;
  /** Output rows of the stride-1 conv (phase rows). */
  rows: number;
  /** Rows to skip after depth-to-space. */
  crop: number;
}

export function backwardAxis(geo: AxisGeometry, kernel: number, stride: number): BackwardAxis {
  const taps = Math.ceil(kernel / stride);
  const q0 = Math.floor(geo.before / stride);
  const crop = geo.before - q0 * stride;
  const padBefore = taps - 1 - q0;
  const rows = Math.ceil((geo.before + geo.size) / stride) - q0;
  let padAfter = rows - geo.out - padBefore + taps - 1;
  let dyRows = geo.out;
  if (padAfter < 0) {
    dyRows += padAfter;
    padAfter = 0;
  }
  return { taps, padBefore, padAfter, dyRows, rows, crop };
}

/**
 * Throws when a window op would have an empty output: wasm's conv and pool kernels do not refuse
 * one, they write out of bounds and leave the module broken for every later call.
 */
export function requireOutput(
  op: string,
  [, h, w]: number[],
  [kh, kw]: number[],
  strides: [number, number],
  padding: Padding,
): void {
  if (forwardAxis(h, kh, strides[0], padding).out > 0 && forwardAxis(w, kw, strides[1], padding).out > 0) return;
  throw new RangeError(
    `${op} ${kh}×${kw} (strides ${strides.join('×')}, '${padding}' padding) gives no output on a ${h}×${w} map: the input image is too small for this model`,
  );
}

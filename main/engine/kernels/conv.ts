// Conv2D / DepthwiseConv2D (+ folded BN bias + ReLU/ReLU6) as one op whose gradient is a forward
// conv with pre-built back filters: input gradient only, no filter gradient, no zero multiplications.
import * as tf from '@tensorflow/tfjs';
import { unaryCustomGrad } from './customGrad';
import { backwardAxis, forwardAxis, requireOutput, type Padding } from './geometry';
import { activationBackward, applyActivation, type Activation } from './activation';

export interface ConvSpec {
  kind: 'conv' | 'depthwise';
  kernel: tf.Tensor4D;
  bias?: tf.Tensor1D;
  /** From convBackFilter / depthwiseBackFilter. */
  backFilter?: tf.Tensor4D;
  /** Strided Conv2D only: per-phase filters (convPhaseFilters), used when the padding allows. */
  phaseFilters?: { filter: tf.Tensor4D; trimY: number; trimX: number }[];
  strides: [number, number];
  padding: Padding;
  activation: Activation;
}

export type ConvOp = (x: tf.Tensor4D, guided: boolean) => tf.Tensor4D;

/**
 * The raw forward as ONE fused kernel. Called directly: the fused ops fall back to unfused
 * conv + bias + activation whenever a gradient is being recorded anywhere (fused_util shouldFuse),
 * even inside a custom-gradient forward where nothing is taped.
 */
function forward(spec: ConvSpec, x: tf.Tensor4D, activation: Activation): tf.Tensor4D {
  requireOutput(opName(spec), x.shape, spec.kernel.shape, spec.strides, spec.padding);
  const inputs: tf.NamedTensorMap = { x, filter: spec.kernel };
  if (spec.bias) inputs.bias = spec.bias;
  const attrs = {
    strides: spec.strides,
    pad: spec.padding,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined,
    activation,
    leakyreluAlpha: 0.2,
  };
  const kernel = spec.kind === 'conv' ? 'FusedConv2D' : 'FusedDepthwiseConv2D';
  return tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** dL/dx for dL/dz (z = the pre-activation output) as stride-1 forward convs. */
export function convInputGradient(spec: ConvSpec, dz: tf.Tensor4D, xShape: number[]): tf.Tensor4D {
  const [n, h, w, cin] = xShape;
  const [kh, kw] = spec.kernel.shape;
  const [sy, sx] = spec.strides;
  const geoY = forwardAxis(h, kh, sy, spec.padding);
  const geoX = forwardAxis(w, kw, sx, spec.padding);
  const by = backwardAxis(geoY, kh, sy);
  const bx = backwardAxis(geoX, kw, sx);
  return tf.tidy(() => {
    let d = dz;
    if (by.dyRows < geoY.out || bx.dyRows < geoX.out) d = tf.slice(d, [0, 0, 0, 0], [n, by.dyRows, bx.dyRows, d.shape[3]]);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [by.padBefore, by.padAfter],
      [bx.padBefore, bx.padAfter],
      [0, 0],
    ];
    const phases = sy * sx;
    let out: tf.Tensor4D;
    const phased = spec.phaseFilters?.every((p) => p.trimY <= by.padBefore && p.trimX <= bx.padBefore && p.filter.size > 0);
    if (spec.kind === 'conv' && phased) {
      const parts = spec.phaseFilters!.map((p) =>
        tf.conv2d(d, p.filter, 1, [[0, 0], [by.padBefore - p.trimY, by.padAfter], [bx.padBefore - p.trimX, bx.padAfter], [0, 0]]),
      );
      out = tf.concat(parts, 3);
    } else if (spec.kind === 'conv') {
      out = tf.conv2d(d, spec.backFilter!, 1, pad);
    } else {
      out = tf.depthwiseConv2d(d, spec.backFilter!, 1, pad);
      const multiplier = spec.kernel.shape[3];
      if (multiplier > 1 || phases > 1) {
        const [, ry, rx] = out.shape;
        let t: tf.Tensor = tf.reshape(out, [n * ry * rx, cin, multiplier, phases]);
        if (multiplier > 1) t = tf.sum(t, 2); // → [., cin, phases]
        else t = tf.reshape(t, [n * ry * rx, cin, phases]);
        if (phases > 1) t = tf.transpose(t, [0, 2, 1]); // → [., phases, cin]
        out = tf.reshape(t, [n, ry, rx, phases * cin]);
      }
    }
    if (phases > 1) out = interleavePhases(out, sy);
    if (by.crop > 0 || bx.crop > 0 || out.shape[1] !== h || out.shape[2] !== w) {
      out = tf.slice(out, [0, by.crop, bx.crop, 0], [n, h, w, cin]);
    }
    return out;
  });
}

/**
 * Depth-to-space with channels ordered (ry, rx, c), as one rank-4 transpose: 5–15× faster than
 * wasm's DepthToSpace kernel.
 */
function interleavePhases(t: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, q, qx, ch] = t.shape;
  const c = ch / (s * s);
  const split = tf.reshape(t, [n * q, qx, s, s * c]);
  return tf.reshape(tf.transpose(split, [0, 2, 1, 3]), [n, q * s, qx * s, c]);
}

/**
 * Square strides get the fast custom gradient; anything else falls back to stock unfused ops, with
 * the activation's own (guidable) gradient.
 */
export function makeConvOp(spec: ConvSpec): ConvOp {
  const fast = spec.strides[0] === spec.strides[1] && spec.backFilter !== undefined;
  if (!fast) return (x, isGuided) => stockConv(spec, x, isGuided);
  const build = (guided: boolean) =>
    unaryCustomGrad<tf.Tensor4D>((x, save) => {
      const y = forward(spec, x, spec.activation);
      if (spec.activation !== 'linear') save([y]);
      return {
        value: y,
        gradFunc: (dy, saved) => {
          const dz = activationBackward(dy, saved[0], spec.activation, guided);
          return convInputGradient(spec, dz as tf.Tensor4D, x.shape);
        },
      };
    });
  const plain = build(false);
  const guided = build(true);
  return (x, isGuided) => (isGuided ? guided(x) : plain(x));
}

const opName = (spec: ConvSpec) => (spec.kind === 'conv' ? 'Conv2D' : 'DepthwiseConv2D');

function stockConv(spec: ConvSpec, x: tf.Tensor4D, guided: boolean): tf.Tensor4D {
  requireOutput(opName(spec), x.shape, spec.kernel.shape, spec.strides, spec.padding);
  return tf.tidy(() => {
    let z =
      spec.kind === 'conv'
        ? tf.conv2d(x, spec.kernel, spec.strides, spec.padding)
        : tf.depthwiseConv2d(x, spec.kernel, spec.strides, spec.padding);
    if (spec.bias) z = tf.add(z, spec.bias);
    return applyActivation(z, spec.activation, guided) as tf.Tensor4D;
  });
}

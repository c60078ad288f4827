// Conv2D / DepthwiseConv2D / SeparableConv2D with BatchNormalization folded in and the following
// activation fused. Members: [conv, bn?, activation?].
import * as tf from '@tensorflow/tfjs';
import type { Unit } from './unit';
import type { WeightArray } from '../keras/weights';
import { makeConvOp, type ConvOp, type ConvSpec } from '../kernels/conv';
import { convBackFilter, convPhaseFilters, depthwiseBackFilter } from '../kernels/backFilters';
import { applyActivation, type Activation, type GenericActivation } from '../kernels/activation';
import { forwardAxis, type Padding } from '../kernels/geometry';

export interface ConvLayerDesc {
  name: string;
  className: 'Conv2D' | 'DepthwiseConv2D' | 'SeparableConv2D';
  input: string;
  kind: 'conv' | 'depthwise';
  /** Conv2D [kh,kw,cin,cout]; depthwise [kh,kw,c,m]; separable: the pointwise [1,1,c·m,cout]. */
  kernel: WeightArray;
  bias?: Float32Array;
  /** Separable only: the depthwise part [kh,kw,c,m] (strides/padding apply to it). */
  depthwise?: WeightArray;
  strides: [number, number];
  padding: Padding;
  /** The conv layer's own activation (BN is only folded when this is linear). */
  activation: GenericActivation;
}

export interface BatchNormDesc {
  name: string;
  /** y = x·scale + shift per channel (inference form). */
  scale: Float32Array;
  shift: Float32Array;
}

export interface ActivationDesc {
  name: string;
  className: string;
  activation: GenericActivation;
}

const FUSABLE = new Set<GenericActivation>(['linear', 'relu', 'relu6']);

export class ConvUnit implements Unit {
  readonly name: string;
  readonly members: string[];
  readonly classNames: string[];
  readonly inputs: string[];
  private readonly tensors: tf.Tensor[] = [];
  private readonly pre?: ConvOp;
  /** Conv + bias + final activation in one kernel. */
  private readonly fused: ConvOp;
  /** Conv + bias (z), for when intermediate members are wanted. */
  private readonly linear: ConvOp;
  private readonly finalActivation: GenericActivation;
  private readonly bnScale?: tf.Tensor1D;
  private readonly bnShift?: tf.Tensor1D;
  /** 1/scale (0 where scale is 0): recovers the conv's own output from the folded one. */
  private readonly bnInverse?: tf.Tensor1D;
  private readonly outChannels: number;

  constructor(
    private readonly conv: ConvLayerDesc,
    private readonly bn?: BatchNormDesc,
    act?: ActivationDesc,
  ) {
    this.inputs = [conv.input];
    this.members = [conv.name, ...(bn ? [bn.name] : []), ...(act ? [act.name] : [])];
    this.classNames = [conv.className, ...(bn ? ['BatchNormalization'] : []), ...(act ? [act.className] : [])];
    this.name = this.members[this.members.length - 1];
    this.finalActivation = act ? act.activation : bn ? 'linear' : conv.activation;

    const kernel = conv.kernel;
    const outChannels = kernel.shape[2] * kernel.shape[3];
    this.outChannels = conv.kind === 'conv' ? kernel.shape[3] : outChannels;
    const folded = foldKernel(kernel, conv.bias, bn, this.outChannels);
    const kernelT = this.keep(tf.tensor4d(folded.kernel, kernel.shape as [number, number, number, number]));
    const biasT = folded.bias ? this.keep(tf.tensor1d(folded.bias)) : undefined;
    if (bn) {
      this.bnScale = this.keep(tf.tensor1d(bn.scale));
      this.bnShift = this.keep(tf.tensor1d(bn.shift));
      this.bnInverse = this.keep(tf.tensor1d(bn.scale.map((v) => (v === 0 ? 0 : 1 / v))));
    }
    const isSeparable = conv.depthwise !== undefined;
    const mainStrides: [number, number] = isSeparable ? [1, 1] : conv.strides;
    const mainPadding: Padding = isSeparable ? 'valid' : conv.padding;
    const backFilter = (strides: [number, number]) =>
      strides[0] === strides[1]
        ? conv.kind === 'conv'
          ? convBackFilter({ shape: kernel.shape, data: folded.kernel }, strides)
          : depthwiseBackFilter({ shape: kernel.shape, data: folded.kernel }, strides)
        : undefined;
    const back = backFilter(mainStrides);
    const backT = back ? this.keep(tf.tensor4d(back.data, back.shape as [number, number, number, number])) : undefined;
    const strided = mainStrides[0] === mainStrides[1] && mainStrides[0] > 1 && conv.kind === 'conv';
    const phaseFilters = strided
      ? convPhaseFilters({ shape: kernel.shape, data: folded.kernel }, mainStrides).map((p) => ({
          filter: this.keep(tf.tensor4d(p.filter.data, p.filter.shape as [number, number, number, number])),
          trimY: p.trimY,
          trimX: p.trimX,
        }))
      : undefined;
    const spec = (activation: Activation): ConvSpec => ({
      kind: conv.kind,
      kernel: kernelT as tf.Tensor4D,
      bias: biasT as tf.Tensor1D | undefined,
      backFilter: backT as tf.Tensor4D | undefined,
      phaseFilters,
      strides: mainStrides,
      padding: mainPadding,
      activation,
    });
    const fusedActivation: Activation = FUSABLE.has(this.finalActivation) ? (this.finalActivation as Activation) : 'linear';
    this.fused = makeConvOp(spec(fusedActivation));
    this.linear = fusedActivation === 'linear' ? this.fused : makeConvOp(spec('linear'));
    if (conv.depthwise) {
      const dw = conv.depthwise;
      const dwT = this.keep(tf.tensor4d(dw.data, dw.shape as [number, number, number, number]));
      const dwBack = conv.strides[0] === conv.strides[1] ? depthwiseBackFilter(dw, conv.strides) : undefined;
      const dwBackT = dwBack ? this.keep(tf.tensor4d(dwBack.data, dwBack.shape as [number, number, number, number])) : undefined;
      this.pre = makeConvOp({
        kind: 'depthwise',
        kernel: dwT as tf.Tensor4D,
        backFilter: dwBackT as tf.Tensor4D | undefined,
        strides: conv.strides,
        padding: conv.padding,
        activation: 'linear',
      });
    }
  }

  private keep<T extends tf.Tensor>(t: T): T {
    this.tensors.push(t);
    return t;
  }

  forward(inputs: tf.Tensor[], wanted: boolean[], guided: boolean): (tf.Tensor | undefined)[] {
    const last = this.members.length - 1;
    let x = inputs[0] as tf.Tensor4D;
    const out: (tf.Tensor | undefined)[] = [];
    const onlyLast = wanted.every((w, i) => (i === last ? true : !w));
    if (this.pre) x = this.pre(x, guided);
    const finalFused = FUSABLE.has(this.finalActivation);
    if (onlyLast && finalFused) {
      out[last] = this.fused(x, guided);
    } else {
      const z = this.linear(x, guided);
      // z is the BN output when BN is folded in, else the conv's output before any activation.
      if (this.bn) {
        if (wanted[0]) out[0] = tf.mul(tf.sub(z, this.bnShift!), this.bnInverse!);
        if (wanted[1] || last > 1) out[1] = z;
        if (last > 1) out[last] = applyActivation(z, this.finalActivation, guided);
      } else {
        out[last] = applyActivation(z, this.finalActivation, guided);
        if (last > 0 && wanted[0]) out[0] = z;
      }
    }
    if (this.pre && x !== inputs[0]) {
      // Under a gradient tape the engine owns intermediates; outside it we free them here.
      if (!tf.engine().state.gradientDepth) x.dispose();
    }
    return out;
  }

  resume(from: number, value: tf.Tensor, guided: boolean): tf.Tensor {
    const last = this.members.length - 1;
    if (from === last) return value;
    let z = value;
    if (this.bn && from === 0) z = tf.add(tf.mul(value, this.bnScale!), this.bnShift!);
    return applyActivation(z, this.finalActivation, guided);
  }

  shapes(inputShapes: number[][]): number[][] {
    const [h, w] = inputShapes[0];
    const kernelShape = this.conv.depthwise?.shape ?? this.conv.kernel.shape;
    const gy = forwardAxis(h, kernelShape[0], this.conv.strides[0], this.conv.padding);
    const gx = forwardAxis(w, kernelShape[1], this.conv.strides[1], this.conv.padding);
    return this.members.map(() => [gy.out, gx.out, this.outChannels]);
  }

  dispose(): void {
    this.tensors.forEach((t) => t.dispose());
    this.tensors.length = 0;
  }

  /** The learned filters of a plain Conv2D (as trained, before BatchNorm folding), for display. */
  get plainFilters(): { layer: string; kernel: WeightArray } | null {
    return this.conv.className === 'Conv2D' ? { layer: this.conv.name, kernel: this.conv.kernel } : null;
  }
}

/** W' = W·s per output channel, b' = (b·s) + shift (s = gamma/sqrt(var+eps), shift = beta − mean·s). */
function foldKernel(kernel: WeightArray, bias: Float32Array | undefined, bn: BatchNormDesc | undefined, outChannels: number) {
  if (!bn) return { kernel: kernel.data, bias };
  const data = new Float32Array(kernel.data.length);
  for (let i = 0; i < data.length; i++) data[i] = kernel.data[i] * bn.scale[i % outChannels];
  const folded = new Float32Array(outChannels);
  for (let c = 0; c < outChannels; c++) folded[c] = (bias ? bias[c] * bn.scale[c] : 0) + bn.shift[c];
  return { kernel: data, bias: folded };
}

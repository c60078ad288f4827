// Single-layer units: pooling, padding, merges, dense, reshape, element-wise.
import * as tf from '@tensorflow/tfjs';
import { SimpleUnit, type Unit } from './unit';
import { applyActivation, type GenericActivation } from '../kernels/activation';
import { forwardAxis, type Padding } from '../kernels/geometry';
import { makeAvgPool } from '../kernels/avgPool';
import { makeMaxPool } from '../kernels/maxPool';
import { LOGITS, type OutputActivation } from '../types';
import { classScores, isSingleSigmoid } from '../scores';

/** Identity layers (Dropout, noise...) and the input: a new tensor object sharing the data. */
export class IdentityUnit extends SimpleUnit {
  apply([x]: tf.Tensor[]): tf.Tensor {
    return x.clone();
  }
  shape([s]: number[][]): number[] {
    return s;
  }
}

export class InputUnit extends SimpleUnit {
  constructor(name: string, private readonly declared: number[]) {
    super(name, 'InputLayer', []);
  }
  apply(): tf.Tensor {
    throw new Error(`the input "${this.name}" must be seeded`);
  }
  shape(): number[] {
    return this.declared;
  }
}

export class ActivationUnit extends SimpleUnit {
  constructor(name: string, className: string, input: string, private readonly activation: GenericActivation) {
    super(name, className, [input]);
  }
  apply([x]: tf.Tensor[], guided: boolean): tf.Tensor {
    const y = applyActivation(x, this.activation, guided);
    return y === x ? x.clone() : y;
  }
  shape([s]: number[][]): number[] {
    return s;
  }
}

export class LeakyReluUnit extends SimpleUnit {
  constructor(name: string, className: string, input: string, private readonly alpha: number) {
    super(name, className, [input]);
  }
  apply([x]: tf.Tensor[]): tf.Tensor {
    return tf.leakyRelu(x, this.alpha);
  }
  shape([s]: number[][]): number[] {
    return s;
  }
}

/** LOGITS of a sigmoid head: its logits, widened to [z, −z] for a single output. */
export class ClassScoresUnit extends SimpleUnit {
  constructor(input: string, private readonly activation: OutputActivation) {
    super(LOGITS, 'ClassScores', [input]);
  }
  apply([x]: tf.Tensor[]): tf.Tensor {
    const y = classScores(x, this.activation);
    return y === x ? x.clone() : y;
  }
  shape([s]: number[][]): number[] {
    return isSingleSigmoid(this.activation, s[s.length - 1]) ? [...s.slice(0, -1), 2] : s;
  }
}

/** Standalone BatchNormalization (or Rescaling): y = x·scale + shift. */
export class AffineUnit extends SimpleUnit {
  private readonly scale: tf.Tensor;
  private readonly shift: tf.Tensor;
  constructor(name: string, className: string, input: string, scale: Float32Array | number, shift: Float32Array | number) {
    super(name, className, [input]);
    this.scale = typeof scale === 'number' ? tf.scalar(scale) : tf.tensor1d(scale);
    this.shift = typeof shift === 'number' ? tf.scalar(shift) : tf.tensor1d(shift);
  }
  apply([x]: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(x, this.scale), this.shift));
  }
  shape([s]: number[][]): number[] {
    return s;
  }
  override dispose(): void {
    this.scale.dispose();
    this.shift.dispose();
  }
}

export class PoolUnit extends SimpleUnit {
  private readonly avg?: (x: tf.Tensor4D) => tf.Tensor4D;
  private readonly max?: (x: tf.Tensor4D) => tf.Tensor4D;
  constructor(
    name: string,
    className: string,
    input: string,
    mode: 'max' | 'avg',
    private readonly size: [number, number],
    private readonly strides: [number, number],
    private readonly padding: Padding,
  ) {
    super(name, className, [input]);
    if (mode === 'avg') this.avg = makeAvgPool({ size, strides, padding });
    else this.max = makeMaxPool({ size, strides, padding });
  }
  apply([x]: tf.Tensor[]): tf.Tensor {
    if (this.avg) return this.avg(x as tf.Tensor4D);
    return this.max!(x as tf.Tensor4D);
  }
  shape([[h, w, c]]: number[][]): number[] {
    return [
      forwardAxis(h, this.size[0], this.strides[0], this.padding).out,
      forwardAxis(w, this.size[1], this.strides[1], this.padding).out,
      c,
    ];
  }
}

export class GlobalPoolUnit extends SimpleUnit {
  constructor(name: string, className: string, input: string, private readonly mode: 'max' | 'avg', private readonly keepDims: boolean) {
    super(name, className, [input]);
  }
  apply([x]: tf.Tensor[]): tf.Tensor {
    return this.mode === 'max' ? tf.max(x, [1, 2], this.keepDims) : tf.mean(x, [1, 2], this.keepDims);
  }
  shape([[, , c]]: number[][]): number[] {
    return this.keepDims ? [1, 1, c] : [c];
  }
}

export class ZeroPadUnit extends SimpleUnit {
  constructor(name: string, input: string, private readonly pads: [[number, number], [number, number]]) {
    super(name, 'ZeroPadding2D', [input]);
  }
  apply([x]: tf.Tensor[]): tf.Tensor {
    return tf.pad(x, [[0, 0], this.pads[0], this.pads[1], [0, 0]]);
  }
  shape([[h, w, c]]: number[][]): number[] {
    return [h + this.pads[0][0] + this.pads[0][1], w + this.pads[1][0] + this.pads[1][1], c];
  }
}

export class ConcatUnit extends SimpleUnit {
  /** Axis without the batch dimension; negative counts from the end. */
  constructor(name: string, inputs: string[], private readonly axis: number) {
    super(name, 'Concatenate', inputs);
  }
  apply(xs: tf.Tensor[]): tf.Tensor {
    const rank = xs[0].rank;
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    return tf.concat(xs, axis);
  }
  shape(shapes: number[][]): number[] {
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? rank + this.axis : this.axis - 1;
    const out = shapes[0].slice();
    out[axis] = shapes.reduce((sum, s) => sum + s[axis], 0);
    return out;
  }
}

export type MergeMode = 'Add' | 'Subtract' | 'Multiply' | 'Average' | 'Maximum' | 'Minimum';

export class MergeUnit extends SimpleUnit {
  constructor(name: string, inputs: string[], private readonly mode: MergeMode) {
    super(name, mode, inputs);
  }
  apply(xs: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      switch (this.mode) {
        case 'Add':
          return xs.length === 2 ? tf.add(xs[0], xs[1]) : tf.addN(xs);
        case 'Subtract':
          return tf.sub(xs[0], xs[1]);
        case 'Multiply':
          return xs.reduce((a, b) => tf.mul(a, b));
        case 'Average':
          return tf.div(tf.addN(xs), xs.length);
        case 'Maximum':
          return xs.reduce((a, b) => tf.maximum(a, b));
        case 'Minimum':
          return xs.reduce((a, b) => tf.minimum(a, b));
      }
    });
  }
  shape(shapes: number[][]): number[] {
    return shapes[0];
  }
}

export class FlattenUnit extends SimpleUnit {
  apply([x]: tf.Tensor[]): tf.Tensor {
    return tf.reshape(x, [x.shape[0], -1]);
  }
  shape([s]: number[][]): number[] {
    return [s.reduce((a, b) => a * b, 1)];
  }
}

export class ReshapeUnit extends SimpleUnit {
  constructor(name: string, input: string, private readonly target: number[]) {
    super(name, 'Reshape', [input]);
  }
  apply([x]: tf.Tensor[]): tf.Tensor {
    return tf.reshape(x, [x.shape[0], ...this.target]);
  }
  shape([s]: number[][]): number[] {
    const total = s.reduce((a, b) => a * b, 1);
    const known = this.target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return this.target.map((d) => (d === -1 ? total / known : d));
  }
}

/** Dense; members [pre-activation, output] when the activation is not linear. */
export class DenseUnit implements Unit {
  readonly name: string;
  readonly members: string[];
  readonly classNames: string[];
  readonly inputs: string[];
  private readonly kernel: tf.Tensor2D;
  private readonly bias?: tf.Tensor1D;

  constructor(
    name: string,
    input: string,
    kernel: { shape: number[]; data: Float32Array },
    bias: Float32Array | undefined,
    private readonly activation: GenericActivation,
    /** Name of the pre-activation member (LOGITS when this layer's own softmax makes the output). */
    preActivationName: string,
  ) {
    this.name = name;
    this.inputs = [input];
    this.members = activation === 'linear' ? [name] : [preActivationName, name];
    this.classNames = activation === 'linear' ? ['Dense'] : ['Dense', 'Dense'];
    this.kernel = tf.tensor2d(kernel.data, kernel.shape as [number, number]);
    this.bias = bias ? tf.tensor1d(bias) : undefined;
  }

  get units(): number {
    return this.kernel.shape[1];
  }

  get inputUnits(): number {
    return this.kernel.shape[0];
  }

  forward(inputs: tf.Tensor[], _wanted: boolean[], guided: boolean): (tf.Tensor | undefined)[] {
    const x = inputs[0];
    if (x.shape[x.rank - 1] !== this.inputUnits) {
      throw new Error(
        `layer "${this.name}" expects ${this.inputUnits} input features but got shape [${x.shape.join(', ')}] (is the input image the size the model expects?)`,
      );
    }
    // Keras applies Dense to the last axis of any rank.
    const z = tf.tidy(() => {
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inputUnits]);
      let m: tf.Tensor = tf.matMul(flat as tf.Tensor2D, this.kernel);
      if (this.bias) m = tf.add(m, this.bias);
      return x.rank === 2 ? m : tf.reshape(m, [...x.shape.slice(0, -1), this.units]);
    });
    if (this.members.length === 1) return [z];
    return [z, applyActivation(z, this.activation, guided)];
  }

  resume(from: number, value: tf.Tensor, guided: boolean): tf.Tensor {
    if (from === this.members.length - 1) return value;
    return applyActivation(value, this.activation, guided);
  }

  shapes([input]: number[][]): number[][] {
    return this.members.map(() => [...input.slice(0, -1), this.units]);
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias?.dispose();
  }
}

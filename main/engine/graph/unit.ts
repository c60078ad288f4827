// A unit is one op of the compiled graph. It may stand for several Keras layers fused together
// (conv → BN → ReLU), each still addressable by name as a "member".
import type * as tf from '@tensorflow/tfjs';

export interface Unit {
  /** Name of the last member (the unit's output seen by consumers). */
  readonly name: string;
  /** Names of the values this unit can produce, in order; the last is `name`. */
  readonly members: string[];
  /** Keras class per member (for LayerInfo). */
  readonly classNames: string[];
  /** Producer unit names. */
  readonly inputs: string[];
  /**
   * Computes the wanted members (by index); the result array is sparse. Members not wanted may be
   * skipped; the last member is computed whenever wanted[last].
   */
  forward(inputs: tf.Tensor[], wanted: boolean[], guided: boolean): (tf.Tensor | undefined)[];
  /** The last member's value given member `from`'s value (for fused units, seeded mid-way). */
  resume(from: number, value: tf.Tensor, guided: boolean): tf.Tensor;
  /** Output shapes (batch-less) of every member given the input shapes. */
  shapes(inputShapes: number[][]): number[][];
  dispose(): void;
}

/** Helper for single-member units. */
export abstract class SimpleUnit implements Unit {
  readonly members: string[];
  readonly classNames: string[];

  constructor(
    readonly name: string,
    className: string,
    readonly inputs: string[],
  ) {
    this.members = [name];
    this.classNames = [className];
  }

  abstract apply(inputs: tf.Tensor[], guided: boolean): tf.Tensor;
  abstract shape(inputShapes: number[][]): number[];

  forward(inputs: tf.Tensor[], _wanted: boolean[], guided: boolean): (tf.Tensor | undefined)[] {
    return [this.apply(inputs, guided)];
  }

  resume(_from: number, value: tf.Tensor): tf.Tensor {
    return value;
  }

  shapes(inputShapes: number[][]): number[][] {
    return [this.shape(inputShapes)];
  }

  dispose(): void {}
}

// Typed wrapper over tf.customGrad for one-input ops (tfjs types its inputs as a variadic union).
import * as tf from '@tensorflow/tfjs';

export type UnaryGradFunc<T extends tf.Tensor> = (
  x: T,
  save: tf.GradSaveFunc,
) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor };

export function unaryCustomGrad<T extends tf.Tensor>(f: UnaryGradFunc<T>): (x: T) => T {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: T) => T;
}

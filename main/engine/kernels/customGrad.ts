// Typed wrapper over tf.customGrad for one-input ops (tfjs types its inputs as a variadic union).
// Tensors the backward pass needs must go through `save`: tf.grad disposes forward intermediates
// before running the backward pass. (On wasm `save` copies the tensor, an Identity kernel, which
// tfjs' IS_TEST kernel leak check reports as a leak; real leaks are checked via numTensors.)
import * as tf from '@tensorflow/tfjs';

export type UnaryGradFunc<T extends tf.Tensor> = (
  x: T,
  save: tf.GradSaveFunc,
) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor };

export function unaryCustomGrad<T extends tf.Tensor>(f: UnaryGradFunc<T>): (x: T) => T {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: T) => T;
}

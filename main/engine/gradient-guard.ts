import * as tf from '@tensorflow/tfjs';

/**
 * tf.valueAndGrad that leaks nothing when `f` throws: tensors saved for the backward pass are only
 * released when the backward pass runs, so a failure is turned into a zero objective, the pass
 * completes, and the error is rethrown.
 */
export function gradientOrThrow(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor): { value: tf.Scalar; grad: tf.Tensor } {
  let failure: unknown;
  const result = tf.valueAndGrad((input: tf.Tensor) => {
    try {
      return f(input);
    } catch (error) {
      failure = error;
      return tf.sum(tf.mul(input, 0)) as tf.Scalar;
    }
  })(x);
  if (failure !== undefined) {
    tf.dispose([result.value, result.grad]);
    throw failure;
  }
  return result;
}

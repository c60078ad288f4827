import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('cpu');
const x = tf.randomNormal([2, 6, 5, 6], 0, 1, 'float32', 1);
const cases: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  padOnly: (x) => tf.pad(x, [[0, 0], [0, 1], [1, 1], [0, 0]], -3.4e38),
  padPool: (x) => tf.maxPool(tf.pad(x, [[0, 0], [0, 1], [1, 1], [0, 0]], -3.4e38) as tf.Tensor4D, 3, 2, 'valid'),
  padPool0: (x) => tf.maxPool(tf.pad(x, [[0, 0], [0, 1], [1, 1], [0, 0]], -100) as tf.Tensor4D, 3, 2, 'valid'),
  pool77: (x) => tf.maxPool(tf.slice(tf.concat([x, x], 2), [0, 0, 0, 0], [2, 6, 7, 6]).pad([[0,0],[0,1],[0,0],[0,0]]) as tf.Tensor4D, 3, 2, 'valid'),
};
for (const [name, f] of Object.entries(cases)) {
  const r: Float32Array[] = [];
  for (const b of ['cpu', 'wasm']) {
    await tf.setBackend(b);
    const dy = tf.randomNormal(f(x).shape, 0, 1, 'float32', 5);
    r.push(tf.grad((x) => tf.sum(tf.mul(f(x), dy)))(x).dataSync() as Float32Array);
  }
  let m = 0; r[0].forEach((v, i) => (m = Math.max(m, Math.abs(v - r[1][i]))));
  console.log(name, m);
}

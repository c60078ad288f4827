import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '../main/engine/runtime';
await initRuntime();
const t = (f: () => tf.Tensor) => { f().dispose(); const s = performance.now(); for (let i = 0; i < 5; i++) { const r = f(); r.dataSync(); r.dispose(); } return ((performance.now() - s) / 5).toFixed(2); };
for (const [q, c] of [[150, 3], [18, 288], [18, 96]]) {
  const x = tf.randomNormal([1, q, q, 4 * c]);
  console.log(q, c, 'd2s', t(() => tf.depthToSpace(x as tf.Tensor4D, 2)),
    'transpose', t(() => tf.reshape(tf.transpose(tf.reshape(x, [q, q, 2, 2 * c]), [0, 2, 1, 3]), [1, 2 * q, 2 * q, c])),
    'copy', t(() => tf.add(x, 0)));
}

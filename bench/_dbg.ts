import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { stemNet } from '../main/engine/testing/nets';
await tf.setBackend('cpu');
const net = await stemNet();
const input = tf.randomUniform([2, ...net.inputShape], 0, 1, 'float32', 3) as tf.Tensor4D;
for (const layer of ['a2', 'bn2', 'c2', 'a1', 'bn1', 'c1', 'mp']) {
  const r: Float32Array[] = [];
  for (const b of ['cpu', 'wasm']) {
    await tf.setBackend(b);
    const g = net.ours.layerGradient(input, layer, 1);
    r.push(g.gradient.dataSync() as Float32Array);
  }
  let m = 0, d = 0; r[0].forEach((v, i) => { m = Math.max(m, Math.abs(v - r[1][i])); d = Math.max(d, Math.abs(v)); });
  console.log(layer, m, d);
}

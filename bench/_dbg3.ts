import * as tf from '@tensorflow/tfjs';
import { bundledArtifacts, loadBundledModel } from '../main/engine/bundled';
await tf.setBackend('cpu');
const ours = await loadBundledModel('mobilenet_v2');
const a = bundledArtifacts('mobilenet_v2');
const wd = Buffer.concat(a.shards.flat());
const stock = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: a.modelTopology as any, weightSpecs: a.weightsManifest.flatMap((g) => g.weights), weightData: wd.buffer.slice(wd.byteOffset, wd.byteOffset + wd.byteLength) }));
const x = tf.randomUniform([1, 96, 96, 3], 0, 1, 'float32', 10) as tf.Tensor4D;
for (const layer of ['block_6_project_BN', 'block_8_add', 'block_10_project_BN', 'block_12_add', 'out_relu']) {
  const trunk = tf.model({ inputs: stock.inputs, outputs: stock.getLayer(layer).output as tf.SymbolicTensor });
  const shape = 0;
  const ref0 = trunk.apply(x, { training: false }) as tf.Tensor;
  const w = tf.randomNormal(ref0.shape.slice(1), 0, 1, 'float32', 3);
  const obj = (t: tf.Tensor) => tf.sum(tf.mul(t, w)) as tf.Scalar;
  const ref = tf.grad((i: tf.Tensor) => obj(trunk.apply(i, { training: false }) as tf.Tensor))(x);
  const mine = ours.inputGradient(x, [layer], (v) => obj(v[layer]));
  const d = tf.norm(tf.sub(ref, mine.gradient)).dataSync()[0] / tf.norm(ref).dataSync()[0];
  const f = tf.max(tf.abs(tf.sub(ref0, ours.run(x, [layer])[layer]))).dataSync()[0];
  console.log(layer, d.toExponential(2), 'fwd', f.toExponential(2), shape);
}

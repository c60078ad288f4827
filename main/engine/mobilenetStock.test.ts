// The bundled MobileNetV2 through our interpreter vs the same artifacts through tfjs-layers (cpu):
// forward equality and input-gradient equality (stock gradients work here: BN has a scale).
import { beforeAll, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { bundledArtifacts, loadBundledModel } from './bundled';
import { LOGITS, type CnnModel } from './types';
import { maxRelErr, relL2 } from './testing/compare';

let ours: CnnModel;
let stock: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ours = await loadBundledModel('mobilenet_v2');
  const a = bundledArtifacts('mobilenet_v2');
  const weightData = Buffer.concat(a.shards.flat());
  stock = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: a.modelTopology as tf.io.ModelJSON['modelTopology'],
      weightSpecs: a.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  );
});


test('softmax of our LOGITS equals the Keras predict; intermediate maps match', () => {
  const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  const ref = stock.predict(x) as tf.Tensor;
  const out = ours.run(x, [LOGITS, 'block_5_add', 'Conv1', 'bn_Conv1']);
  const probs = tf.softmax(out[LOGITS]);
  expect(maxRelErr(probs.dataSync(), ref.dataSync())).toBeLessThan(1e-4);
  const inner = tf.model({ inputs: stock.inputs, outputs: ['block_5_add', 'Conv1', 'bn_Conv1'].map((n) => stock.getLayer(n).output as tf.SymbolicTensor) });
  const refs = inner.predict(x) as tf.Tensor[];
  ['block_5_add', 'Conv1', 'bn_Conv1'].forEach((name, i) => expect(maxRelErr(out[name].dataSync(), refs[i].dataSync())).toBeLessThan(1e-4));
  tf.dispose([x, ref, probs, ...Object.values(out), ...refs]);
});

test('input gradient through the convolutional trunk equals stock tf.grad', () => {
  // The stock backward pass on cpu is slow (~70 s at 224²): use the fully convolutional trunk at 64².
  // (Inputs where a pre-activation lands within float32 noise of a ReLU6 kink legitimately differ
  // there; this seed has none, so the two must agree to rounding.)
  const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 10) as tf.Tensor4D;
  const layer = 'out_relu';
  const trunk = tf.model({ inputs: stock.inputs, outputs: stock.getLayer(layer).output as tf.SymbolicTensor });
  const weights = tf.randomNormal([2, 2, 1280], 0, 1, 'float32', 3);
  const objective = (a: tf.Tensor) => tf.sum(tf.mul(a, weights)) as tf.Scalar;
  const ref = tf.grad((input: tf.Tensor) => objective(trunk.apply(input, { training: false }) as tf.Tensor))(x);
  const mine = ours.inputGradient(x, [layer], (a) => objective(a[layer]));
  expect(relL2(mine.gradient.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
  expect(maxRelErr(mine.gradient.dataSync(), ref.dataSync())).toBeLessThan(1e-4);
  tf.dispose([x, ref, mine.gradient, weights]);
});


test('Grad-CAM head gradient (d logit / d out_relu) equals stock tf.grad', () => {
  const layer = ours.defaultCamLayer;
  expect(layer).toBe('out_relu');
  // The stock head from the CAM layer to the logits: the Keras layers themselves, the last Dense without its softmax.
  const at = stock.layers.findIndex((l) => l.name === layer);
  const after = stock.layers.slice(at + 1);
  const last = after.pop() as tf.layers.Layer;
  const [kernel, bias] = last.getWeights();
  const stockLogits = (a: tf.Tensor) => {
    let h = a;
    for (const l of after) h = l.apply(h, { training: false }) as tf.Tensor;
    return tf.add(tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D), bias) as tf.Tensor2D;
  };
  const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 12) as tf.Tensor4D;
  // Two classes: each layerGradient call is a full forward pass (~3 s on cpu).
  for (const c of [0, 3]) {
    const mine = ours.layerGradient(x, layer, c);
    const refLogits = stockLogits(mine.activation);
    expect(maxRelErr(mine.logits.dataSync(), refLogits.dataSync())).toBeLessThan(1e-5);
    const ref = tf.grad((a: tf.Tensor) => tf.sum(tf.slice(stockLogits(a), [0, c], [-1, 1])))(mine.activation);
    expect(ref.dataSync().some((v) => v !== 0)).toBe(true);
    expect(maxRelErr(mine.gradient.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    tf.dispose([mine.activation, mine.gradient, mine.logits, refLogits, ref]);
  }
  x.dispose();
});

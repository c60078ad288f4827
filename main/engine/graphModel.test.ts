// A hand-written TF GraphModel (conv → relu → mean → matmul → softmax) through loadModelFromDir (cpu).
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadModelFromDir } from './loadDir';
import { LOGITS, type CnnModel } from './types';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const floatT = { type: 'DT_FLOAT' };
const shapeAttr = (dims: number[]) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } });
const constNode = (name: string, dims: number[], dtype = 'DT_FLOAT') => ({
  name,
  op: 'Const',
  attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: { dim: dims.map((d) => ({ size: String(d) })) } } } },
});

let dir: string;
let model: CnnModel;
const kernel = tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 1);
const dense = tf.randomNormal([4, 2], 0, 1, 'float32', 2);

/** conv → relu → mean → matmul (`w2`) → `head` (then Identity), written as a converted graph model. */
async function writeGraph(folder: string, w2: tf.Tensor, head: 'Softmax' | 'Sigmoid'): Promise<void> {
  const nodes = [
    { name: 'image', op: 'Placeholder', attr: { dtype: floatT, shape: shapeAttr([-1, 8, 8, 3]) } },
    constNode('w1', [3, 3, 3, 4]),
    { name: 'conv', op: 'Conv2D', input: ['image', 'w1'], attr: { T: floatT, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } } } },
    { name: 'relu', op: 'Relu', input: ['conv'], attr: { T: floatT } },
    constNode('axes', [2], 'DT_INT32'),
    { name: 'gap', op: 'Mean', input: ['relu', 'axes'], attr: { T: floatT, keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } } },
    constNode('w2', w2.shape),
    { name: 'logits', op: 'MatMul', input: ['gap', 'w2'], attr: { T: floatT, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'act', op: head, input: ['logits'], attr: { T: floatT } },
    { name: 'probs', op: 'Identity', input: ['act'], attr: { T: floatT } },
  ];
  const { data, specs } = await tf.io.encodeWeights({ w1: kernel, axes: tf.tensor1d([1, 2], 'int32'), w2 });
  await writeFile(join(folder, 'weights.bin'), Buffer.from(data as ArrayBuffer));
  await writeFile(
    join(folder, 'model.json'),
    JSON.stringify({
      format: 'graph-model',
      modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
      signature: { inputs: { image: { name: 'image:0', dtype: 'DT_FLOAT', tensorShape: shapeAttr([-1, 8, 8, 3]).shape } }, outputs: { probs: { name: 'probs:0', dtype: 'DT_FLOAT' } } },
    }),
  );
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'convscope-graph-'));
  await writeGraph(dir, dense, 'Softmax');
  model = await loadModelFromDir(dir);
});

afterAll(async () => {
  model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

function reference(x: tf.Tensor) {
  return tf.matMul(tf.mean(tf.relu(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'same')), [1, 2]), dense as tf.Tensor2D);
}

test('describes the graph: input size, logits node, CAM layer, labels', () => {
  expect(model.inputSize).toEqual([8, 8]);
  expect(model.labels).toEqual(['class 0', 'class 1']);
  expect(model.outputActivation).toBe('softmax');
  expect(model.defaultCamLayer).toBe('relu');
  expect(model.layers.find((l) => l.name === 'conv')?.outputShape).toEqual([8, 8, 4]);
});

test('run, layerGradient and inputGradient match hand-written tfjs', () => {
  const x = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const out = model.run(x, [LOGITS, 'relu']);
  const ref = reference(x);
  expect(Array.from(out[LOGITS].dataSync())).toEqual(Array.from(ref.dataSync()).map((v) => expect.closeTo(v, 5)));
  const g = model.layerGradient(x, 'relu', 1);
  const refG = tf.grad((a: tf.Tensor) => tf.sum(tf.slice(tf.matMul(tf.mean(a, [1, 2]), dense as tf.Tensor2D), [0, 1], [-1, 1])))(g.activation);
  expect(tf.max(tf.abs(tf.sub(g.gradient, refG))).dataSync()[0]).toBeLessThan(1e-6);
  const ig = model.inputGradient(x, [LOGITS], (a) => tf.sum(a[LOGITS]) as tf.Scalar);
  const refI = tf.grad((input: tf.Tensor) => tf.sum(reference(input)))(x);
  expect(tf.max(tf.abs(tf.sub(ig.gradient, refI))).dataSync()[0]).toBeLessThan(1e-5);
  expect(() => model.run(x, ['nope'])).toThrow(/layer "nope" does not exist/);
  tf.dispose([x, out[LOGITS], out.relu, ref, g.activation, g.gradient, g.logits, refG, ig.gradient, refI]);
});

test('a gradient that fails half-way leaks nothing; guided backprop is refused, not faked', () => {
  const x = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const failing = () =>
    model.inputGradient(x, ['relu'], () => {
      throw new Error('objective failed');
    });
  expect(failing).toThrow(/objective failed/);
  expect(() => model.layerGradient(x, 'relu', 7)).toThrow();
  expect(() => model.inputGradient(x, [LOGITS], (a) => tf.sum(a[LOGITS]) as tf.Scalar, { guided: true })).toThrow(/guided backprop needs a Keras/);
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
});

test('a manifest that names a weight file outside the model folder is refused', async () => {
  const evil = await mkdtemp(join(tmpdir(), 'convscope-evil-model-'));
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    manifest.weightsManifest[0].paths = [join('..', basename(dir), 'weights.bin')];
    await writeFile(join(evil, 'model.json'), JSON.stringify(manifest));
    await expect(loadModelFromDir(evil)).rejects.toThrow(/weight file ".*weights\.bin" is outside the model folder/);
  } finally {
    await rm(evil, { recursive: true, force: true });
  }
});

test('a weight file that is a link pointing out of the model folder is refused, and so is an inverted inputRange', async () => {
  const linked = await mkdtemp(join(tmpdir(), 'convscope-linked-model-'));
  try {
    await writeFile(join(linked, 'model.json'), await readFile(join(dir, 'model.json')));
    await symlink(join(dir, 'weights.bin'), join(linked, 'weights.bin'));
    await expect(loadModelFromDir(linked)).rejects.toThrow(/weight file "weights\.bin" links outside the model folder/);
    await rm(join(linked, 'weights.bin'));
    await writeFile(join(linked, 'weights.bin'), await readFile(join(dir, 'weights.bin')));
    await writeFile(join(linked, 'metadata.json'), JSON.stringify({ inputRange: [1, 0] }));
    await expect(loadModelFromDir(linked)).rejects.toThrow(/"inputRange" must be \[min, max\] with min < max/);
    await writeFile(join(linked, 'metadata.json'), JSON.stringify({ inputRange: [0, 1] }));
    const model = await loadModelFromDir(linked);
    expect(model.id).toBe(linked);
    model.dispose();
  } finally {
    await rm(linked, { recursive: true, force: true });
  }
});

test('a single Sigmoid output: two classes scored z and −z, the second "not …"', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'convscope-graph-sigmoid-'));
  const w2 = tf.randomNormal([4, 1], 0, 1, 'float32', 5);
  try {
    await writeGraph(folder, w2, 'Sigmoid');
    await writeFile(join(folder, 'labels.txt'), 'cat\n');
    const binary = await loadModelFromDir(folder);
    const x = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    try {
      expect(binary.outputActivation).toBe('sigmoid');
      expect(binary.labels).toEqual(['cat', 'not cat']);
      const z = tf.tidy(() => tf.matMul(tf.mean(tf.relu(tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same')), [1, 2]), w2 as tf.Tensor2D).dataSync()[0]);
      const out = binary.run(x, [LOGITS]);
      expect(Array.from(out[LOGITS].dataSync())).toEqual([expect.closeTo(z, 5), expect.closeTo(-z, 5)]);
      const positive = binary.layerGradient(x, 'relu', 0);
      const negative = binary.layerGradient(x, 'relu', 1);
      expect(Array.from(negative.gradient.dataSync())).toEqual(Array.from(positive.gradient.dataSync(), (g) => -g));
      const ig = binary.inputGradient(x, [LOGITS], (a) => tf.sum(tf.slice(a[LOGITS], [0, 1], [-1, 1])) as tf.Scalar);
      expect(ig.value).toBeCloseTo(-z, 5);
      tf.dispose([out[LOGITS], positive.activation, positive.gradient, positive.logits, negative.activation, negative.gradient, negative.logits, ig.gradient]);
    } finally {
      x.dispose();
      binary.dispose();
    }
  } finally {
    w2.dispose();
    await rm(folder, { recursive: true, force: true });
  }
});

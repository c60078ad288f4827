// Interpreter API on small networks (cpu): partial runs, fused members, errors, guided backprop,
// folder loading.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNet, mobileNet, stemNet, type TestNet } from './testing/nets';
import { loadModelFromDir } from './loadDir';
import { listBundledModels } from './bundled';
import { EngineError, LOGITS } from './types';
import { relL2 } from './testing/compare';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('stem net', () => {
  let net: TestNet;
  let input: tf.Tensor4D;
  beforeAll(async () => {
    net = await stemNet();
    input = tf.randomUniform([1, 13, 11, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  });
  afterAll(() => {
    net.dispose();
    input.dispose();
  });

  test('every layer output (fused members included) equals tfjs-layers', () => {
    const names = net.ours.layers.filter((l) => l.className !== 'InputLayer').map((l) => l.name);
    const stockAll = tf.model({ inputs: net.stock.inputs, outputs: names.map((n) => net.stock.getLayer(n).output as tf.SymbolicTensor) });
    const refs = stockAll.predict(input) as tf.Tensor[];
    const ours = net.ours.run(input, names);
    names.forEach((name, i) => {
      expect(ours[name].shape).toEqual(refs[i].shape);
      expect(relL2(ours[name].dataSync(), refs[i].dataSync())).toBeLessThan(1e-5);
    });
    tf.dispose([...refs, ...Object.values(ours)]);
  });

  test('layers describe shapes, params and spatiality', () => {
    const byName = Object.fromEntries(net.ours.layers.map((l) => [l.name, l]));
    expect(byName.c1.outputShape).toEqual([6, 5, 6]);
    expect(byName.c1.params).toBe(3 * 3 * 3 * 6);
    expect(byName.bn1.params).toBe(3 * 6); // scale=False: beta, mean, variance
    expect(byName.cat.outputShape).toEqual([3, 3, 14]);
    expect(byName.gap.spatial).toBe(false);
    expect(byName.out.outputShape).toEqual([4]);
    expect(net.ours.defaultCamLayer).toBe('cat');
    expect(net.ours.labels).toEqual(['class 0', 'class 1', 'class 2', 'class 3']);
  });

  test('run computes only what is asked: a prefix works at any input size', () => {
    const big = tf.zeros([1, 40, 33, 3]) as tf.Tensor4D;
    const out = net.ours.run(big, ['a2']);
    expect(Object.keys(out)).toEqual(['a2']);
    expect(out.a2.shape).toEqual([1, 19, 16, 6 + 2]);
    // The head (GAP + dense) would work too; LOGITS at this size is fine for a GAP model.
    tf.dispose([big, out.a2]);
  });

  test('layerGradient: errors name the layer and leak nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => net.ours.layerGradient(input, 'nope', 0)).toThrow(new EngineError('unknown-layer', 'layer "nope" does not exist in stem'));
    expect(() => net.ours.layerGradient(input, 'gap', 0)).toThrow(/no spatial map/);
    try {
      net.ours.layerGradient(input, 'gap', 0);
    } catch (error) {
      expect((error as EngineError).code).toBe('not-spatial');
    }
    expect(() => net.ours.layerGradient(input, 'a2', 9)).toThrow(RangeError);
    expect(() => net.ours.inputGradient(input, ['cat'], () => {
      throw new Error('objective failed');
    })).toThrow('objective failed');
    expect(tf.memory().numTensors).toBe(before);
  });

  test('layerGradient at a fused member with a bypass equals the gradient of its head', () => {
    // bn1 feeds both a1 (→ conv chain) and mp (max-pool branch): both paths must count.
    const g = net.ours.layerGradient(input, 'bn1', 2);
    // Reference: the head re-run by hand with the same value for bn1.
    const head = (a: tf.Tensor) => {
      const ex = (net.ours as unknown as { executor: { evaluate: (t: string[], s: Map<string, tf.Tensor>, g: boolean) => Record<string, tf.Tensor> } }).executor;
      return tf.sum(tf.slice(ex.evaluate([LOGITS], new Map([['image', input], ['bn1', a]]), false)[LOGITS], [0, 2], [-1, 1]));
    };
    const ref = tf.grad(head)(g.activation);
    expect(relL2(g.gradient.dataSync(), ref.dataSync())).toBeLessThan(1e-6);
    expect(g.gradient.shape).toEqual(g.activation.shape);
    tf.dispose([g.activation, g.gradient, g.logits, ref]);
  });
});

describe('guided backprop', () => {
  test('ReLU passes gradient only where input and gradient are positive', async () => {
    const L = tf.layers;
    const net = await buildNet('guided', [6, 6, 3], (x) => {
      let y = L.conv2d({ name: 'c1', filters: 4, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
      y = L.activation({ name: 'r1', activation: 'relu' }).apply(y) as tf.SymbolicTensor;
      y = L.conv2d({ name: 'c2', filters: 3, kernelSize: 3, padding: 'same', useBias: false }).apply(y) as tf.SymbolicTensor;
      return L.globalAveragePooling2d({ name: 'gap' }).apply(y) as tf.SymbolicTensor;
    });
    const x = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const objective = (a: Record<string, tf.Tensor>) => tf.sum(tf.slice(a.gap, [0, 1], [-1, 1])) as tf.Scalar;
    const guided = net.ours.inputGradient(x, ['gap'], objective, { guided: true });
    const plain = net.ours.inputGradient(x, ['gap'], objective);
    // Reference by hand: d/d r1, gated, then back through c1 (linear) with stock gradients.
    const z1 = net.ours.run(x, ['c1']).c1;
    const dR1 = tf.grad((r: tf.Tensor) => {
      const c2 = net.stock.getLayer('c2') as tf.layers.Layer;
      return tf.sum(tf.slice(tf.mean(c2.apply(r) as tf.Tensor, [1, 2]), [0, 1], [-1, 1]));
    })(tf.relu(z1));
    const gated = tf.mul(tf.relu(dR1), tf.step(z1));
    const c1 = net.stock.getLayer('c1') as tf.layers.Layer;
    const ref = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(c1.apply(input) as tf.Tensor, gated)))(x);
    expect(relL2(guided.gradient.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    expect(relL2(plain.gradient.dataSync(), ref.dataSync())).toBeGreaterThan(1e-2);
    tf.dispose([x, guided.gradient, plain.gradient, z1, dR1, gated, ref]);
    net.dispose();
  });
});

describe('loadModelFromDir', () => {
  let dir: string;
  let net: TestNet;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convscope-model-'));
    net = await mobileNet();
    await net.stock.save(
      tf.io.withSaveHandler(async (a) => {
        await writeFile(join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
        await writeFile(
          join(dir, 'model.json'),
          JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }),
        );
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  });
  afterAll(async () => {
    net.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('loads a Layers model with labels.txt and metadata.json', async () => {
    await writeFile(join(dir, 'labels.txt'), 'cat\ndog\nbird\n');
    await writeFile(join(dir, 'metadata.json'), JSON.stringify({ inputRange: [-1, 1], name: 'Tiny' }));
    const model = await loadModelFromDir(dir);
    expect(model.name).toBe('Tiny');
    expect(model.labels).toEqual(['cat', 'dog', 'bird']);
    expect(model.inputSize).toEqual([12, 10]);
    expect(model.inputRange).toEqual([-1, 1]);
    const x = tf.randomUniform([1, 12, 10, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const ref = net.stock.predict(x) as tf.Tensor;
    const out = model.run(x, ['out']);
    expect(relL2(out.out.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, ref, out.out]);
    model.dispose();
  });

  test('wrong label count and missing shards are clear errors', async () => {
    await writeFile(join(dir, 'labels.txt'), 'cat\ndog\n');
    await expect(loadModelFromDir(dir)).rejects.toThrow(/2 labels given but the model has 3 classes/);
    await rm(join(dir, 'labels.txt'));
    await rm(join(dir, 'weights.bin'));
    await expect(loadModelFromDir(dir)).rejects.toThrow(/weight file "weights.bin" is missing/);
    await expect(loadModelFromDir(join(dir, 'nowhere'))).rejects.toThrow(/cannot read model.json \(ENOENT\)/);
  });
});

test('listBundledModels describes both models without loading weights', () => {
  const specs = listBundledModels();
  expect(specs.map((s) => s.id)).toEqual(['inception_v3', 'mobilenet_v2']);
  expect(specs[0]).toMatchObject({ inputSize: [299, 299], inputRange: [0, 1], minSize: 75, defaultCamLayer: 'mixed10', defaultDreamLayers: ['mixed3', 'mixed5'] });
  expect(specs[1]).toMatchObject({ inputSize: [224, 224], minSize: 32, defaultCamLayer: 'out_relu' });
  expect(specs[1].labels).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
});

test('cpu with IS_TEST kernel leak checks: repeated gradients leak nothing', async () => {
  tf.env().set('IS_TEST', true);
  try {
    const net = await mobileNet();
    const x = tf.randomUniform([2, 12, 10, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    const once = () => {
      const g = net.ours.layerGradient(x, 'add', 1);
      const h = net.ours.inputGradient(x, ['r2', LOGITS], (a) => tf.add(tf.mean(a.r2), tf.sum(a[LOGITS])) as tf.Scalar, { guided: true });
      tf.dispose([g.activation, g.gradient, g.logits, h.gradient]);
      const out = net.ours.run(x, ['bn1', 'sep', LOGITS]);
      tf.dispose(Object.values(out));
    };
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  } finally {
    tf.env().set('IS_TEST', false);
  }
});

// Best-effort CnnModel over a TF GraphModel (converted SavedModel): stock tfjs-converter execution
// and stock gradients (fine on cpu; fused conv nodes need Conv2DBackpropFilter, missing on wasm).
import * as tf from '@tensorflow/tfjs';
import { EngineError, LOGITS, type CnnModel, type GradientOptions, type LayerInfo, type OutputActivation } from './types';
import { classLabels, classScores } from './scores';
import type { WeightsManifestGroup } from './keras/weights';
import { gradientOrThrow } from './gradient-guard';

interface GraphNodeDef {
  name: string;
  op: string;
  input?: string[];
}

const FEATURE_OPS = new Set([
  'Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Relu', 'Relu6', 'ConcatV2',
  'AddV2', 'Add', 'MaxPool', 'AvgPool', 'Mean', 'MatMul', '_FusedMatMul', 'BiasAdd', 'FusedBatchNorm', 'FusedBatchNormV3',
  'Softmax', 'Sigmoid',
]);

export interface GraphSpec {
  id: string;
  name: string;
  inputSize?: [number, number];
  inputRange: [number, number];
  labels: string[];
  minSize?: number;
}

const strip = (input: string) => input.replace(/^\^/, '').replace(/:\d+$/, '');

export async function loadGraphCnn(
  artifacts: { topology: Record<string, unknown>; manifest: WeightsManifestGroup[]; shards: Uint8Array[][] },
  spec: GraphSpec,
): Promise<CnnModel> {
  const what = spec.name;
  const flat = artifacts.shards.flat();
  const weightData = new Uint8Array(flat.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of flat) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: artifacts.topology,
        weightSpecs: artifacts.manifest.flatMap((g) => g.weights),
        weightData: weightData.buffer,
      }),
    );
  } catch (error) {
    throw new EngineError('bad-model', `${what}: cannot load the graph model (${(error as Error).message})`);
  }
  const nodes = (artifacts.topology.node as GraphNodeDef[]) ?? [];
  const byName = new Map(nodes.map((n) => [n.name, n]));
  if (model.inputs.length !== 1) {
    model.dispose();
    throw new EngineError('unsupported-layer', `${what}: only single-input graph models are supported`);
  }
  const inputNode = strip(model.inputs[0].name);
  const inputShape = model.inputs[0].shape ?? [];
  const inputSize: [number, number] | undefined =
    spec.inputSize ?? (inputShape[1] > 0 && inputShape[2] > 0 ? [inputShape[1], inputShape[2]] : undefined);
  if (!inputSize) {
    model.dispose();
    throw new EngineError('bad-model', `${what}: the input size is not fixed; add metadata.json with "inputSize": [h, w]`);
  }
  let logitsNode = strip(model.outputs[0].name);
  let outputActivation: OutputActivation = 'linear';
  // Back over Identity nodes and the activation nearest the output: its input is the logits.
  for (let node = byName.get(logitsNode); node; node = byName.get(logitsNode)) {
    const activation = node.op === 'Softmax' ? 'softmax' : node.op === 'Sigmoid' ? 'sigmoid' : undefined;
    if (node.op !== 'Identity' && !(activation && outputActivation === 'linear')) break;
    if (activation) outputActivation = activation;
    logitsNode = strip(node.input![0]);
  }
  const featureNames = nodes.filter((n) => FEATURE_OPS.has(n.op)).map((n) => n.name);
  const probe = tf.zeros([1, ...inputSize, 3]) as tf.Tensor4D;
  const layers: LayerInfo[] = [];
  try {
    const outs = model.execute(probe, featureNames) as tf.Tensor[];
    outs.forEach((t, i) => {
      const shape = t.shape.slice(1);
      layers.push({ name: featureNames[i], className: byName.get(featureNames[i])!.op, outputShape: shape, params: 0, spatial: shape.length === 3 });
    });
    tf.dispose(outs);
  } catch (error) {
    model.dispose();
    throw new EngineError('bad-model', `${what}: a test run failed (${(error as Error).message})`);
  } finally {
    probe.dispose();
  }
  const spatial = layers.filter((l) => l.spatial && l.outputShape[0] * l.outputShape[1] > 1);
  const defaultCamLayer = spatial[spatial.length - 1]?.name ?? logitsNode;
  const merges = spatial.filter((l) => l.className === 'ConcatV2' || l.className === 'AddV2' || l.className === 'Add');
  const pool = merges.length >= 2 ? merges : spatial;
  const defaultDreamLayers = pool.length ? [...new Set([0.4, 0.6].map((f) => pool[Math.floor(f * pool.length)].name))] : [];
  const outputs = layers.find((l) => l.name === logitsNode)?.outputShape[0] ?? 0;
  const labels = classLabels(spec.labels, outputs, outputActivation);
  const known = new Set([...featureNames, inputNode, logitsNode]);
  const nodeOf = (name: string) => (name === LOGITS ? logitsNode : name);
  const check = (names: string[]) => {
    for (const name of names) {
      if (name !== LOGITS && !known.has(name) && !byName.has(name)) {
        throw new EngineError('unknown-layer', `layer "${name}" does not exist in ${spec.name}`);
      }
    }
  };
  /** Inside a tidy or a gradient tape (the raw logits are an intermediate). */
  const execute = (feed: tf.NamedTensorMap, names: string[]): tf.Tensor[] => {
    const out = model.execute(feed, names.map(nodeOf));
    return (Array.isArray(out) ? out : [out]).map((t, i) => (names[i] === LOGITS ? classScores(t, outputActivation) : t));
  };
  return {
    id: spec.id,
    name: spec.name,
    inputSize,
    inputRange: spec.inputRange,
    labels,
    outputActivation,
    minSize: spec.minSize ?? 32,
    defaultCamLayer,
    defaultDreamLayers,
    layers,
    run(input, outputs) {
      check(outputs);
      const names = [...new Set(outputs)];
      const values = tf.tidy(() => execute({ [inputNode]: input }, names));
      return Object.fromEntries(names.map((n, i) => [n, values[i]]));
    },
    layerGradient(input, layer, classIndex) {
      check([layer]);
      const info = layers.find((l) => l.name === layer);
      if (info && !info.spatial) throw new EngineError('not-spatial', `layer "${layer}" of ${spec.name} has no spatial map`);
      const [activation] = execute({ [inputNode]: input }, [layer]);
      let logits: tf.Tensor2D | undefined;
      try {
        const { value, grad } = gradientOrThrow((a: tf.Tensor) => {
          const [out] = execute({ [inputNode]: input, [layer]: a }, [LOGITS]);
          logits = tf.keep(out) as tf.Tensor2D;
          return tf.sum(tf.slice(out, [0, classIndex], [-1, 1]));
        }, activation);
        value.dispose();
        return { activation: activation as tf.Tensor4D, gradient: grad as tf.Tensor4D, logits: logits! };
      } catch (error) {
        activation.dispose();
        logits?.dispose();
        throw error;
      }
    },
    inputGradient(input, outputs, objective, options: GradientOptions = {}) {
      // Guided backprop rewrites the ReLU gradient; the stock graph executor has no hook for that.
      if (options.guided) throw new EngineError('unsupported', `${spec.name} is a graph model: guided backprop needs a Keras (layers) model`);
      check(outputs);
      const names = [...new Set(outputs)];
      const { value, grad } = gradientOrThrow((x: tf.Tensor) => {
        const values = execute({ [inputNode]: x }, names);
        return objective(Object.fromEntries(names.map((n, i) => [n, values[i]])));
      }, input);
      const result = value.dataSync()[0];
      value.dispose();
      return { value: result, gradient: grad as tf.Tensor4D };
    },
    firstConvFilters() {
      return null;
    },
    dispose() {
      model.dispose();
    },
  };
}

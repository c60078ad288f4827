// Reads a Keras (2.x / tfjs-layers) model topology into a flat, topologically sorted layer list.
import { EngineError } from '../types';

export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers feeding this one (in order). */
  inputs: string[];
}

export interface KerasGraph {
  name: string;
  layers: KerasLayer[];
  inputName: string;
  /** Batch-less input shape from the InputLayer, e.g. [299, 299, 3] (nulls allowed). */
  inputShape: (number | null)[];
  outputName: string;
}

type Json = Record<string, unknown>;

/** Accepts a model.json's `modelTopology` (with or without `model_config`) or a bare config. */
export function parseKerasTopology(topology: unknown, what: string): KerasGraph {
  let root = topology as Json;
  if (root && typeof root === 'object' && 'model_config' in root) root = root.model_config as Json;
  if (!root || typeof root !== 'object' || typeof root.class_name !== 'string') {
    throw new EngineError('bad-model', `${what}: not a Keras model topology (no class_name)`);
  }
  const className = root.class_name as string;
  if (className === 'Sequential') return parseSequential(root, what);
  if (className === 'Model' || className === 'Functional') return parseFunctional(root, what);
  throw new EngineError('bad-model', `${what}: unsupported Keras model class "${className}"`);
}

function layerList(config: unknown): Json[] {
  if (Array.isArray(config)) return config as Json[];
  const layers = (config as Json | undefined)?.layers;
  return Array.isArray(layers) ? (layers as Json[]) : [];
}

function configOf(layer: Json): Json {
  return (layer.config ?? {}) as Json;
}

function batchShape(config: Json): (number | null)[] | undefined {
  const shape = (config.batch_input_shape ?? config.batch_shape) as (number | null)[] | undefined;
  return shape ? shape.slice(1) : undefined;
}

function parseSequential(root: Json, what: string): KerasGraph {
  const raw = layerList(root.config);
  if (raw.length === 0) throw new EngineError('bad-model', `${what}: the Sequential model has no layers`);
  const layers: KerasLayer[] = [];
  let previous: string;
  let inputShape: (number | null)[] | undefined;
  const first = raw[0];
  if (first.class_name === 'InputLayer') {
    previous = configOf(first).name as string;
    inputShape = batchShape(configOf(first));
    layers.push({ name: previous, className: 'InputLayer', config: configOf(first), inputs: [] });
  } else {
    inputShape = batchShape(configOf(first));
    previous = `${(root.config as Json)?.name ?? 'sequential'}_input`;
    layers.push({ name: previous, className: 'InputLayer', config: { name: previous }, inputs: [] });
  }
  if (!inputShape) throw new EngineError('bad-model', `${what}: the Sequential model does not declare its input shape`);
  for (const layer of raw) {
    if (layer.class_name === 'InputLayer') continue;
    const config = configOf(layer);
    const name = (config.name ?? layer.name) as string;
    layers.push({ name, className: layer.class_name as string, config, inputs: [previous] });
    previous = name;
  }
  return { name: nameOf(root, 'sequential'), layers, inputName: layers[0].name, inputShape, outputName: previous };
}

function nameOf(root: Json, fallback: string): string {
  return ((root.config as Json | undefined)?.name as string | undefined) ?? fallback;
}

function parseFunctional(root: Json, what: string): KerasGraph {
  const config = root.config as Json;
  const raw = layerList(config);
  const layers: KerasLayer[] = raw.map((layer) => {
    const nodes = (layer.inbound_nodes ?? []) as unknown[];
    const name = layer.name as string;
    if (nodes.length > 1) {
      throw new EngineError('unsupported-layer', `${what}: layer "${name}" is shared (called ${nodes.length} times)`);
    }
    return { name, className: layer.class_name as string, config: configOf(layer), inputs: inboundNames(nodes[0], name, what) };
  });
  const inputs = config.input_layers as unknown[][];
  const outputs = config.output_layers as unknown[][];
  if (!Array.isArray(inputs) || inputs.length !== 1) {
    throw new EngineError('unsupported-layer', `${what}: only single-input models are supported`);
  }
  if (!Array.isArray(outputs) || outputs.length !== 1) {
    throw new EngineError('unsupported-layer', `${what}: only single-output models are supported`);
  }
  const inputName = inputs[0][0] as string;
  const inputLayer = layers.find((l) => l.name === inputName);
  const inputShape = inputLayer && batchShape(inputLayer.config);
  if (!inputShape) throw new EngineError('bad-model', `${what}: the input layer "${inputName}" has no shape`);
  return { name: nameOf(root, 'model'), layers: topoSort(layers, what), inputName, inputShape, outputName: outputs[0][0] as string };
}

/** Keras 2 format: [[name, nodeIndex, tensorIndex, kwargs], ...]; Keras 3 uses {args: [...keras_history]}. */
function inboundNames(node: unknown, layer: string, what: string): string[] {
  if (node === undefined) return [];
  if (Array.isArray(node)) {
    return node.map((entry) => {
      if (Array.isArray(entry) && typeof entry[0] === 'string') {
        if ((entry[2] as number) > 0) {
          throw new EngineError('unsupported-layer', `${what}: layer "${layer}" reads output ${entry[2]} of "${entry[0]}"`);
        }
        return entry[0];
      }
      throw new EngineError('bad-model', `${what}: layer "${layer}" has an unreadable inbound node`);
    });
  }
  const history: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const obj = value as Json;
      const kh = (obj.config as Json | undefined)?.keras_history as unknown[] | undefined;
      if (obj.class_name === '__keras_tensor__' && kh) history.push(kh[0] as string);
      else Object.values(obj).forEach(visit);
    }
  };
  visit((node as Json).args);
  return history;
}

function topoSort(layers: KerasLayer[], what: string): KerasLayer[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: KerasLayer[] = [];
  const visit = (layer: KerasLayer): void => {
    if (done.has(layer.name)) return;
    if (visiting.has(layer.name)) throw new EngineError('bad-model', `${what}: cycle at layer "${layer.name}"`);
    visiting.add(layer.name);
    for (const input of layer.inputs) {
      const producer = byName.get(input);
      if (!producer) throw new EngineError('bad-model', `${what}: layer "${layer.name}" reads unknown layer "${input}"`);
      visit(producer);
    }
    visiting.delete(layer.name);
    done.add(layer.name);
    order.push(layer);
  };
  layers.forEach(visit);
  return order;
}

// Compiles a parsed Keras graph + weights into units (BN folded, activations fused).
import { EngineError, LOGITS, type OutputActivation } from '../types';
import type { KerasGraph, KerasLayer } from '../keras/topology';
import type { LayerWeights } from '../keras/weights';
import { parseActivation, type GenericActivation } from '../kernels/activation';
import type { Padding } from '../kernels/geometry';
import type { Unit } from './unit';
import { ConvUnit, type ActivationDesc, type BatchNormDesc, type ConvLayerDesc } from './convUnit';
import {
  ActivationUnit,
  AffineUnit,
  ClassScoresUnit,
  ConcatUnit,
  DenseUnit,
  FlattenUnit,
  GlobalPoolUnit,
  IdentityUnit,
  InputUnit,
  LeakyReluUnit,
  MergeUnit,
  PoolUnit,
  ReshapeUnit,
  ZeroPadUnit,
  type MergeMode,
} from './simpleUnits';

export interface CompiledGraph {
  units: Unit[];
  inputName: string;
  /** The Keras layer whose output has the logits: the pre-activation output when it applies `outputActivation` itself. */
  logitsLayer: string;
  outputActivation: OutputActivation;
  /** Which Keras layer's output is the model's output. */
  outputName: string;
}

type Json = Record<string, unknown>;

const IDENTITY = new Set(['Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);
const MERGES = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);

export function buildGraph(graph: KerasGraph, weights: LayerWeights, what: string): CompiledGraph {
  const consumers = new Map<string, string[]>();
  for (const layer of graph.layers) {
    for (const input of layer.inputs) consumers.set(input, [...(consumers.get(input) ?? []), layer.name]);
  }
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const head = findHead(graph, byName, what);
  const absorbed = new Set<string>();
  const units: Unit[] = [];
  const sole = (name: string): KerasLayer | undefined => {
    const next = consumers.get(name);
    // Nothing fuses onto the logits layer: LOGITS reads it as a unit's output.
    if (!next || next.length !== 1 || name === graph.outputName || name === head.layer) return undefined;
    return byName.get(next[0]);
  };
  const fail = (layer: KerasLayer, reason: string): never => {
    throw new EngineError('unsupported-layer', `${what}: layer "${layer.name}" (${layer.className}) ${reason}`);
  };
  try {
    for (const layer of graph.layers) {
      if (absorbed.has(layer.name)) continue;
      const c = layer.config;
      checkDataFormat(layer, fail);
      if (layer.className === 'InputLayer') {
        units.push(new InputUnit(layer.name, graph.inputShape.map((d) => d ?? -1)));
        continue;
      }
      if (layer.inputs.length === 0) fail(layer, 'has no inputs');
      const input = layer.inputs[0];
      switch (layer.className) {
        case 'Conv2D':
        case 'DepthwiseConv2D':
        case 'SeparableConv2D': {
          const conv = convDesc(layer, weights, what, fail);
          let bn: BatchNormDesc | undefined;
          let act: ActivationDesc | undefined;
          let tail = layer.name;
          const next = sole(tail);
          if (conv.activation === 'linear' && next?.className === 'BatchNormalization' && isChannelAxis(next.config.axis)) {
            bn = batchNorm(next, weights, what);
            absorbed.add(next.name);
            tail = next.name;
          }
          const after = sole(tail);
          const finalLinear = bn ? true : conv.activation === 'linear';
          const activation = after && finalLinear ? activationOf(after) : undefined;
          if (after && activation) {
            act = { name: after.name, className: after.className, activation };
            absorbed.add(after.name);
          }
          units.push(new ConvUnit(conv, bn, act));
          break;
        }
        case 'BatchNormalization': {
          if (!isChannelAxis(c.axis)) fail(layer, 'normalises an axis other than channels');
          const bn = batchNorm(layer, weights, what);
          units.push(new AffineUnit(layer.name, layer.className, input, bn.scale, bn.shift));
          break;
        }
        case 'Activation':
        case 'ReLU':
        case 'Softmax': {
          const activation = activationOf(layer);
          if (activation) units.push(new ActivationUnit(layer.name, layer.className, input, activation));
          else if (layer.className === 'ReLU' && (c.negative_slope as number) > 0 && !c.max_value && !c.threshold) {
            units.push(new LeakyReluUnit(layer.name, layer.className, input, c.negative_slope as number));
          } else fail(layer, `has an unsupported activation (${JSON.stringify(c.activation ?? c)})`);
          break;
        }
        case 'LeakyReLU':
          units.push(new LeakyReluUnit(layer.name, layer.className, input, (c.alpha ?? c.negative_slope ?? 0.3) as number));
          break;
        case 'MaxPooling2D':
        case 'AveragePooling2D': {
          const size = pair(c.pool_size ?? 2);
          const strides = c.strides === null || c.strides === undefined ? size : pair(c.strides);
          const mode = layer.className === 'MaxPooling2D' ? 'max' : 'avg';
          units.push(new PoolUnit(layer.name, layer.className, input, mode, size, strides, padding(c.padding, layer, fail)));
          break;
        }
        case 'GlobalAveragePooling2D':
        case 'GlobalMaxPooling2D':
          units.push(
            new GlobalPoolUnit(layer.name, layer.className, input, layer.className === 'GlobalMaxPooling2D' ? 'max' : 'avg', c.keepdims === true),
          );
          break;
        case 'ZeroPadding2D':
          units.push(new ZeroPadUnit(layer.name, input, zeroPads(c.padding)));
          break;
        case 'Concatenate':
          units.push(new ConcatUnit(layer.name, layer.inputs, (c.axis ?? -1) as number));
          break;
        case 'Flatten':
          units.push(new FlattenUnit(layer.name, 'Flatten', [input]));
          break;
        case 'Reshape':
          units.push(new ReshapeUnit(layer.name, input, c.target_shape as number[]));
          break;
        case 'Rescaling':
          units.push(new AffineUnit(layer.name, layer.className, input, Number(c.scale ?? 1), Number(c.offset ?? 0)));
          break;
        case 'Dense': {
          const activation = parseActivation(c.activation) ?? fail(layer, `has an unsupported activation "${String(c.activation)}"`);
          const kernel = weights.get(layer.name, 'kernel', what);
          const bias = c.use_bias === false ? undefined : weights.get(layer.name, 'bias', what).data;
          const linear = `${layer.name}/linear`;
          const ownsHead = layer.name === head.layer && head.fused;
          if (ownsHead && activation === 'sigmoid') {
            // The class scores are built from z, so z must be a unit's output of its own.
            units.push(new DenseUnit(linear, input, kernel, bias, 'linear', linear));
            units.push(new ActivationUnit(layer.name, 'Dense', linear, activation));
          } else {
            units.push(new DenseUnit(layer.name, input, kernel, bias, activation, ownsHead ? LOGITS : linear));
          }
          break;
        }
        default:
          if (IDENTITY.has(layer.className)) units.push(new IdentityUnit(layer.name, layer.className, [input]));
          else if (MERGES.has(layer.className)) units.push(new MergeUnit(layer.name, layer.inputs, layer.className as MergeMode));
          else fail(layer, 'is not supported');
      }
    }
    if (head.activation === 'sigmoid') units.push(new ClassScoresUnit(head.fused ? `${head.layer}/linear` : head.layer, 'sigmoid'));
  } catch (error) {
    units.forEach((u) => u.dispose());
    throw error;
  }
  return { units, inputName: graph.inputName, logitsLayer: head.layer, outputActivation: head.activation, outputName: graph.outputName };
}

interface Head {
  /** The layer whose output holds the logits. */
  layer: string;
  activation: OutputActivation;
  /** The layer is a Dense applying `activation` itself: its pre-activation output holds the logits. */
  fused: boolean;
}

/**
 * Walks back from the output over dropout-like layers to the output softmax/sigmoid: the logits are
 * that activation's input (so softmax(logits) is the model's output, whatever precedes it, e.g. a ReLU).
 */
function findHead(graph: KerasGraph, byName: Map<string, KerasLayer>, what: string): Head {
  let activation: OutputActivation | undefined;
  for (let layer = byName.get(graph.outputName); layer; layer = byName.get(layer.inputs[0])) {
    const separate = IDENTITY.has(layer.className) ? 'linear' : separateActivation(layer);
    if (separate === 'linear' || (separate && !activation)) {
      if (separate !== 'linear') activation = separate;
      continue;
    }
    if (activation) return { layer: layer.name, activation, fused: false };
    const own = layer.className === 'Dense' ? parseActivation(layer.config.activation) : undefined;
    if (own === 'softmax' || own === 'sigmoid') return { layer: layer.name, activation: own, fused: true };
    return { layer: layer.name, activation: 'linear', fused: false };
  }
  throw new EngineError('bad-model', `${what}: cannot find the layer that computes the class scores`);
}

/** The output activation a Softmax/Activation layer applies, if it is one the head can end with. */
function separateActivation(layer: KerasLayer): OutputActivation | undefined {
  if (layer.className === 'Softmax') return 'softmax';
  if (layer.className !== 'Activation') return undefined;
  const activation = parseActivation(layer.config.activation);
  return activation === 'softmax' || activation === 'sigmoid' || activation === 'linear' ? activation : undefined;
}

function checkDataFormat(layer: KerasLayer, fail: (l: KerasLayer, r: string) => never): void {
  if (layer.config.data_format === 'channels_first') fail(layer, 'uses channels_first (only channels_last is supported)');
}

function isChannelAxis(axis: unknown): boolean {
  const a = Array.isArray(axis) ? axis[0] : axis;
  return a === undefined || a === -1 || a === 3;
}

function pair(value: unknown): [number, number] {
  if (Array.isArray(value)) return [value[0] as number, value[1] as number];
  return [value as number, value as number];
}

function padding(value: unknown, layer: KerasLayer, fail: (l: KerasLayer, r: string) => never): Padding {
  const p = String(value ?? 'valid').toLowerCase();
  if (p !== 'same' && p !== 'valid') fail(layer, `uses padding "${p}"`);
  return p as Padding;
}

function zeroPads(value: unknown): [[number, number], [number, number]] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  const [a, b] = value as unknown[];
  const axis = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0] as number, v[1] as number] : [v as number, v as number]);
  return [axis(a), axis(b)];
}

/** Activation of an Activation/ReLU/Softmax layer when representable, else undefined. */
function activationOf(layer: KerasLayer): GenericActivation | undefined {
  const c = layer.config;
  if (layer.className === 'Activation') return parseActivation(c.activation);
  if (layer.className === 'Softmax') return 'softmax';
  if (layer.className === 'ReLU') {
    if ((c.negative_slope as number | undefined) || (c.threshold as number | undefined)) return undefined;
    const max = c.max_value as number | null | undefined;
    if (max === null || max === undefined) return 'relu';
    if (max === 6) return 'relu6';
  }
  return undefined;
}

function convDesc(layer: KerasLayer, weights: LayerWeights, what: string, fail: (l: KerasLayer, r: string) => never): ConvLayerDesc {
  const c = layer.config as Json;
  const dilation = pair(c.dilation_rate ?? 1);
  if (dilation[0] !== 1 || dilation[1] !== 1) fail(layer, 'uses dilation (not supported)');
  const activation = parseActivation(c.activation) ?? fail(layer, `has an unsupported activation "${String(c.activation)}"`);
  const strides = pair(c.strides ?? 1);
  const pad = padding(c.padding, layer, fail);
  const useBias = c.use_bias !== false;
  const bias = useBias ? weights.get(layer.name, 'bias', what).data : undefined;
  const base = { name: layer.name, input: layer.inputs[0], strides, padding: pad, activation, bias };
  if (layer.className === 'Conv2D') {
    if (((c.groups as number | undefined) ?? 1) !== 1) fail(layer, 'uses grouped convolution');
    return { ...base, className: 'Conv2D', kind: 'conv', kernel: weights.get(layer.name, 'kernel', what) };
  }
  if (layer.className === 'DepthwiseConv2D') {
    return { ...base, className: 'DepthwiseConv2D', kind: 'depthwise', kernel: weights.get(layer.name, 'depthwise_kernel', what) };
  }
  return {
    ...base,
    className: 'SeparableConv2D',
    kind: 'conv',
    kernel: weights.get(layer.name, 'pointwise_kernel', what),
    depthwise: weights.get(layer.name, 'depthwise_kernel', what),
  };
}

function batchNorm(layer: KerasLayer, weights: LayerWeights, what: string): BatchNormDesc {
  const c = layer.config;
  const eps = (c.epsilon as number | undefined) ?? 1e-3;
  const mean = weights.get(layer.name, 'moving_mean', what).data;
  const variance = weights.get(layer.name, 'moving_variance', what).data;
  const channels = mean.length;
  const gamma = c.scale === false ? undefined : weights.get(layer.name, 'gamma', what).data;
  const beta = c.center === false ? undefined : weights.get(layer.name, 'beta', what).data;
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let i = 0; i < channels; i++) {
    const s = (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + eps);
    scale[i] = s;
    shift[i] = (beta ? beta[i] : 0) - mean[i] * s;
  }
  return { name: layer.name, scale, shift };
}

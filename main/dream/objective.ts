import * as tf from '@tensorflow/tfjs-core';
import type { CnnModel } from '../engine/types';
import type { DreamSpec } from '../../preload/contract';
import { DreamError } from './errors';

export interface WeightedLayer {
  name: string;
  weight: number;
}

/** What one gradient step maximises: the layers to run and a scalar of their activations. */
export interface Objective {
  outputs: string[];
  /** Runs inside the model's gradient tape. */
  fn: (activations: Record<string, tf.Tensor>) => tf.Scalar;
  /** Human summary, e.g. "mean of mixed3×1 + mixed5×1". */
  description: string;
}

/** Guide-image features per layer, [positions, channels]. */
export type GuideFeatures = Record<string, tf.Tensor2D>;

type ObjectiveSpec = Pick<DreamSpec, 'layers' | 'objective' | 'channel'>;

export function dreamLayers(model: Pick<CnnModel, 'defaultDreamLayers'>, spec: Pick<DreamSpec, 'layers'>): WeightedLayer[] {
  return spec.layers?.length ? spec.layers : model.defaultDreamLayers.map((name) => ({ name, weight: 1 }));
}

function checkLayer(model: Pick<CnnModel, 'name' | 'layers'>, name: string): number[] {
  const info = model.layers.find((layer) => layer.name === name);
  if (!info) throw new DreamError('bad-spec', `Layer "${name}" does not exist in ${model.name}.`);
  if (!info.spatial) {
    throw new DreamError('bad-spec', `Layer "${name}" of ${model.name} has no spatial map (shape [${info.outputShape}]); Deep Dream needs one.`);
  }
  return info.outputShape;
}

const reduce = (kind: DreamSpec['objective'], x: tf.Tensor): tf.Scalar =>
  kind === 'mean-square' ? tf.mean(tf.square(x)) : tf.mean(x);

function weightedSum(layers: WeightedLayer[], term: (layer: WeightedLayer) => tf.Scalar): tf.Scalar {
  let total: tf.Scalar = tf.scalar(0);
  for (const layer of layers) total = tf.add(total, tf.mul(term(layer), layer.weight));
  return total;
}

/**
 * Plain dream: Σ weight·mean(act) or Σ weight·mean(act²); or one channel's mean (of squares);
 * with a guide, Σ weight·mean over positions of max_j ⟨act_p, guide_j⟩, whose gradient at each
 * position is the best-matching guide feature (Google's deepdream notebook).
 */
export function buildObjective(model: CnnModel, spec: ObjectiveSpec, guide?: GuideFeatures): Objective {
  if (guide) {
    const layers = dreamLayers(model, spec);
    layers.forEach((layer) => checkLayer(model, layer.name));
    return {
      outputs: layers.map((layer) => layer.name),
      fn: (acts) =>
        weightedSum(layers, ({ name }) => {
          const features = guide[name];
          const x = tf.reshape(acts[name], [-1, features.shape[1]]) as tf.Tensor2D;
          return tf.mean(tf.max(tf.matMul(x, features, false, true), 1));
        }),
      description: `guided by image on ${layers.map((l) => `${l.name}×${l.weight}`).join(' + ')}`,
    };
  }
  if (spec.channel) {
    const { layer, index } = spec.channel;
    const shape = checkLayer(model, layer);
    const channels = shape[shape.length - 1];
    if (channels > 0 && index >= channels) {
      throw new DreamError('bad-channel', `Layer "${layer}" of ${model.name} has ${channels} channels; channel ${index} does not exist.`);
    }
    return {
      outputs: [layer],
      fn: (acts) => reduce(spec.objective, tf.slice(acts[layer], [0, 0, 0, index], [-1, -1, -1, 1])),
      description: `${spec.objective} of ${layer} channel ${index}`,
    };
  }
  const layers = dreamLayers(model, spec);
  layers.forEach((layer) => checkLayer(model, layer.name));
  return {
    outputs: layers.map((layer) => layer.name),
    fn: (acts) => weightedSum(layers, ({ name }) => reduce(spec.objective, acts[name])),
    description: `${spec.objective} of ${layers.map((l) => `${l.name}×${l.weight}`).join(' + ')}`,
  };
}

/** Features of the guide image on each dream layer, computed once (caller disposes). */
export function guideFeatures(model: CnnModel, guide: Float32Array, width: number, height: number, layers: string[]): GuideFeatures {
  return tf.tidy(() => {
    const input = tf.tensor4d(guide, [1, height, width, 3]);
    const acts = model.run(input, layers);
    const out: GuideFeatures = {};
    for (const name of layers) {
      const act = acts[name];
      out[name] = tf.reshape(act, [-1, act.shape[act.shape.length - 1]]) as tf.Tensor2D;
    }
    return out;
  });
}

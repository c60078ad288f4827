// Decodes a tfjs weights manifest (incl. uint8/float16 quantisation) into plain float arrays.
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../types';

export interface WeightArray {
  shape: number[];
  data: Float32Array;
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** `buffers[g][i]` holds shard i of manifest group g. */
export function decodeWeights(manifest: WeightsManifestGroup[], buffers: Uint8Array[][], what: string): Map<string, WeightArray> {
  const out = new Map<string, WeightArray>();
  manifest.forEach((group, g) => {
    const shards = buffers[g];
    const total = shards.reduce((n, b) => n + b.byteLength, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const shard of shards) {
      joined.set(shard, offset);
      offset += shard.byteLength;
    }
    let tensors: tf.NamedTensorMap;
    try {
      tensors = tf.io.decodeWeights(joined.buffer, group.weights);
    } catch (error) {
      throw new EngineError('bad-model', `${what}: cannot decode weights (${(error as Error).message})`);
    }
    for (const [name, tensor] of Object.entries(tensors)) {
      const data = tensor.dtype === 'float32' ? (tensor.dataSync() as Float32Array) : Float32Array.from(tensor.dataSync());
      out.set(name.replace(/:\d+$/, ''), { shape: tensor.shape, data: new Float32Array(data) });
      tensor.dispose();
    }
  });
  return out;
}

/** Looks up a layer's weights by the Keras name suffix (kernel, bias, gamma, ...). */
export class LayerWeights {
  private readonly byLayer = new Map<string, Map<string, WeightArray>>();

  constructor(weights: Map<string, WeightArray>) {
    for (const [fullName, weight] of weights) {
      const parts = fullName.split('/');
      if (parts.length < 2) continue;
      const key = parts[parts.length - 1];
      // Every path component before the key may be the layer name (nested scopes repeat it).
      for (const layer of new Set(parts.slice(0, -1))) {
        let entry = this.byLayer.get(layer);
        if (!entry) this.byLayer.set(layer, (entry = new Map()));
        if (!entry.has(key)) entry.set(key, weight);
      }
    }
  }

  get(layer: string, key: string, what: string): WeightArray {
    const found = this.find(layer, key);
    if (!found) throw new EngineError('bad-model', `${what}: weight "${layer}/${key}" is missing`);
    return found;
  }

  /** Number of stored values for a layer (its parameter count). */
  count(layer: string): number {
    let n = 0;
    for (const w of this.byLayer.get(layer)?.values() ?? []) n += w.data.length;
    return n;
  }

  find(layer: string, key: string): WeightArray | undefined {
    return this.byLayer.get(layer)?.get(key);
  }
}

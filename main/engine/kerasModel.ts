// CnnModel over a compiled Keras graph: forward to any layer, Grad-CAM head gradients, input gradients.
import * as tf from '@tensorflow/tfjs';
import { EngineError, LOGITS, type CnnModel, type GradientOptions, type LayerInfo, type ModelSpec, type OutputActivation } from './types';
import { classLabels, isSingleSigmoid } from './scores';
import type { CompiledGraph } from './graph/build';
import { Executor } from './graph/executor';
import { ConvUnit } from './graph/convUnit';
import { gradientOrThrow } from './gradient-guard';

export type SpecDefaults = Omit<ModelSpec, 'defaultCamLayer' | 'defaultDreamLayers'> &
  Partial<Pick<ModelSpec, 'defaultCamLayer' | 'defaultDreamLayers'>>;

export class KerasCnnModel implements CnnModel {
  readonly id: string;
  readonly name: string;
  readonly inputSize: [number, number];
  readonly inputRange: [number, number];
  readonly labels: string[];
  readonly minSize: number;
  readonly defaultCamLayer: string;
  readonly defaultDreamLayers: string[];
  readonly layers: LayerInfo[];
  readonly outputActivation: OutputActivation;
  private readonly executor: Executor;
  private readonly inputName: string;
  private disposed = false;

  constructor(
    private readonly compiled: CompiledGraph,
    spec: SpecDefaults,
    params: (layer: string) => number,
  ) {
    this.id = spec.id;
    this.name = spec.name;
    this.inputRange = spec.inputRange;
    this.minSize = spec.minSize;
    this.outputActivation = compiled.outputActivation;
    this.executor = new Executor(compiled.units, { [LOGITS]: compiled.logitsLayer });
    this.inputName = compiled.inputName;
    this.inputSize = resolveInputSize(this.executor, compiled.inputName, spec);
    this.layers = describeLayers(this.executor, this.inputSize, params);
    this.labels = resolveLabels(this.layers, compiled, spec);
    this.defaultCamLayer = spec.defaultCamLayer ?? pickCamLayer(this.executor, this.layers);
    this.defaultDreamLayers = spec.defaultDreamLayers ?? pickDreamLayers(this.layers);
  }

  private check(names: string[]): void {
    if (this.disposed) throw new EngineError('bad-model', `${this.name} has been disposed`);
    for (const name of names) {
      if (!this.executor.locate(name)) {
        throw new EngineError('unknown-layer', `layer "${name}" does not exist in ${this.name}`);
      }
    }
  }

  private checkInput(input: tf.Tensor4D): void {
    if (input.rank !== 4 || input.shape[3] !== 3) {
      throw new EngineError('bad-model', `${this.name} expects an [N, h, w, 3] input, got [${input.shape.join(', ')}]`);
    }
  }

  run(input: tf.Tensor4D, outputs: string[]): Record<string, tf.Tensor> {
    this.check(outputs);
    this.checkInput(input);
    return this.executor.evaluate([...new Set(outputs)], new Map([[this.inputName, input]]), false);
  }

  layerGradient(input: tf.Tensor4D, layer: string, classIndex: number) {
    this.check([layer]);
    this.checkInput(input);
    const info = this.layers.find((l) => l.name === layer);
    if (info && !info.spatial) {
      throw new EngineError('not-spatial', `layer "${layer}" of ${this.name} has no spatial map (output ${JSON.stringify(info.outputShape)})`);
    }
    this.checkClass(classIndex);
    const ex = this.executor;
    const at = ex.locate(layer)!;
    // Units computed from A on the way to the logits, and the values from other branches they read.
    const logitsAt = ex.locate(LOGITS)!;
    const need = ex.needed([logitsAt], new Set([at.unit]));
    const downstream = ex.descendants(at.unit);
    const head = new Set([...need].filter((u) => u === at.unit || downstream.has(u)));
    const boundary = new Set<string>();
    for (const u of head) {
      if (u === at.unit) continue;
      for (const v of ex.inputUnits(u)) if (!head.has(v)) boundary.add(ex.units[v].name);
    }
    const forward = ex.evaluate([layer, ...boundary], new Map([[this.inputName, input]]), false);
    let logits: tf.Tensor2D | undefined;
    try {
      const constants = new Map<string, tf.Tensor>([...boundary].map((name) => [name, forward[name]]));
      const { value, grad } = gradientOrThrow((a) => {
        const seeds = new Map(constants).set(layer, a);
        const out = ex.evaluate([LOGITS], seeds, false)[LOGITS] as tf.Tensor2D;
        logits = tf.keep(out);
        return tf.sum(tf.slice(out, [0, classIndex], [-1, 1]));
      }, forward[layer]);
      value.dispose();
      const gradient = grad as tf.Tensor4D;
      for (const name of boundary) forward[name].dispose();
      return { activation: forward[layer] as tf.Tensor4D, gradient, logits: logits! };
    } catch (error) {
      Object.values(forward).forEach((t) => t.dispose());
      logits?.dispose();
      throw error;
    }
  }

  inputGradient(
    input: tf.Tensor4D,
    outputs: string[],
    objective: (activations: Record<string, tf.Tensor>) => tf.Scalar,
    options: GradientOptions = {},
  ): { value: number; gradient: tf.Tensor4D } {
    this.check(outputs);
    this.checkInput(input);
    const names = [...new Set(outputs)];
    const { value, grad } = gradientOrThrow((x) => {
      const activations = this.executor.evaluate(names, new Map([[this.inputName, x]]), options.guided === true);
      return objective(activations);
    }, input);
    const result = value.dataSync()[0];
    value.dispose();
    return { value: result, gradient: grad as tf.Tensor4D };
  }

  private checkClass(classIndex: number): void {
    const classes = this.labels.length || (this.layers.find((l) => l.name === this.compiled.logitsLayer)?.outputShape[0] ?? 0);
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes) {
      throw new RangeError(`class index ${classIndex} is outside 0..${classes - 1} for ${this.name}`);
    }
  }

  firstConvFilters(): { layer: string; shape: [number, number, number, number]; data: Float32Array } | null {
    for (const unit of this.compiled.units) {
      const filters = unit instanceof ConvUnit ? unit.plainFilters : null;
      if (filters && filters.kernel.shape[2] === 3) {
        return { layer: filters.layer, shape: filters.kernel.shape as [number, number, number, number], data: filters.kernel.data };
      }
    }
    return null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.compiled.units.forEach((u) => u.dispose());
  }
}

function resolveInputSize(ex: Executor, inputName: string, spec: SpecDefaults): [number, number] {
  if (spec.inputSize[0] > 0 && spec.inputSize[1] > 0) return spec.inputSize;
  const declared = ex.units[ex.locate(inputName)!.unit].shapes([])[0];
  if (declared[0] > 0 && declared[1] > 0) return [declared[0], declared[1]];
  throw new EngineError('bad-model', `${spec.name}: the input size is not fixed; add metadata.json with "inputSize": [h, w]`);
}

function resolveLabels(layers: LayerInfo[], compiled: CompiledGraph, spec: SpecDefaults): string[] {
  const shape = layers.find((l) => l.name === compiled.logitsLayer)?.outputShape ?? [];
  const outputs = shape.length === 1 ? shape[0] : 0;
  if (outputs && spec.labels.length > 0 && spec.labels.length !== outputs) {
    const hint = isSingleSigmoid(compiled.outputActivation, outputs) ? ' (one sigmoid output: give the label of its positive class)' : '';
    throw new EngineError('bad-model', `${spec.name}: ${spec.labels.length} labels given but the model has ${outputs} classes${hint}`);
  }
  return classLabels(spec.labels, outputs, compiled.outputActivation);
}

function describeLayers(ex: Executor, inputSize: [number, number], params: (layer: string) => number): LayerInfo[] {
  const shapes = new Map<number, number[]>();
  const out: LayerInfo[] = [];
  ex.units.forEach((unit, u) => {
    let memberShapes: number[][];
    if (unit.inputs.length === 0) {
      const declared = unit.shapes([])[0];
      memberShapes = [[declared[0] > 0 ? declared[0] : inputSize[0], declared[1] > 0 ? declared[1] : inputSize[1], declared[2] > 0 ? declared[2] : 3]];
    } else {
      memberShapes = unit.shapes(ex.inputUnits(u).map((v) => shapes.get(v)!));
    }
    shapes.set(u, memberShapes[memberShapes.length - 1]);
    unit.members.forEach((name, m) => {
      if (name === LOGITS) return;
      const shape = memberShapes[m];
      out.push({ name, className: unit.classNames[m], outputShape: shape, params: params(name), spatial: shape.length === 3 });
    });
  });
  return out;
}

/** Last spatial layer (> 1×1) that every later unit on the way to the output depends on. */
function pickCamLayer(ex: Executor, layers: LayerInfo[]): string {
  const logits = ex.locate(LOGITS)!;
  const need = ex.needed([logits], new Set());
  const candidates = layers.filter((l) => l.spatial && l.outputShape[0] * l.outputShape[1] > 1);
  for (let i = candidates.length - 1; i >= 0; i--) {
    const at = ex.locate(candidates[i].name)!;
    if (!need.has(at.unit)) continue;
    const downstream = ex.descendants(at.unit);
    const bypassed = [...need].some((u) => u > at.unit && !downstream.has(u));
    if (!bypassed) return candidates[i].name;
  }
  return candidates[candidates.length - 1]?.name ?? layers[layers.length - 1].name;
}

function pickDreamLayers(layers: LayerInfo[]): string[] {
  const spatial = layers.filter((l) => l.spatial && l.className !== 'InputLayer');
  const merges = spatial.filter((l) => l.className === 'Concatenate' || l.className === 'Add');
  const pool = merges.length >= 2 ? merges : spatial;
  if (pool.length === 0) return [];
  const pick = (f: number) => pool[Math.min(pool.length - 1, Math.floor(f * pool.length))].name;
  return [...new Set([pick(0.4), pick(0.6)])];
}

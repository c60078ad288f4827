// Which models exist and the one cache of loaded ones in this compute process.
import { stat } from 'node:fs/promises';
import { ApiError, type LayerSummary, type ModelSummary } from '../../../preload/contract';
import { loadBundledModel } from '../../engine/bundled';
import { loadModelFromDir } from '../../engine/loadDir';
import type { CnnModel } from '../../engine/types';

export const BUNDLED_MODELS = ['inception_v3', 'mobilenet_v2'] as const;

const loaded = new Map<string, Promise<CnnModel>>();

/**
 * A bundled model by id, or a user model from a folder holding model.json. `inputRange` overrides
 * the model's own (custom models whose metadata does not say how pixels are scaled).
 */
export function getModel(id: string, inputRange?: [number, number]): Promise<CnnModel> {
  if (inputRange) return getModel(id).then((model) => withInputRange(model, inputRange));
  const cached = loaded.get(id);
  if (cached) return cached;
  const model = (BUNDLED_MODELS as readonly string[]).includes(id)
    ? loadBundledModel(id as (typeof BUNDLED_MODELS)[number])
    : loadUserModel(id);
  model.catch(() => loaded.delete(id));
  loaded.set(id, model);
  return model;
}

export function summariseModel(model: CnnModel): ModelSummary {
  return {
    id: model.id,
    name: model.name,
    inputSize: model.inputSize,
    labels: model.labels,
    defaultCamLayer: model.defaultCamLayer,
    defaultDreamLayers: model.defaultDreamLayers,
  };
}

export function summariseLayers(model: CnnModel): LayerSummary[] {
  return model.layers.map(({ name, className, outputShape, params, spatial }) => ({ name, className, outputShape, params, spatial }));
}

/** The same model seen with another input range; methods keep working through the prototype. */
function withInputRange(model: CnnModel, inputRange: [number, number]): CnnModel {
  return Object.create(model, { inputRange: { value: inputRange, enumerable: true } }) as CnnModel;
}

async function loadUserModel(dir: string): Promise<CnnModel> {
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    throw new ApiError('invalid-request', `unknown model "${dir}": use ${BUNDLED_MODELS.join(' or ')}, or a folder holding a tfjs model.json`);
  }
  return loadModelFromDir(dir);
}

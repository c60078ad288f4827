// The compute process's service table: method name → function of (params, job context).
import { CLASS_AGNOSTIC_METHODS, explainSpec, LAYER_METHODS } from '../../../preload/contract';
import { initRuntime } from '../../engine/runtime';
import { photoToModelInput } from '../../engine/preprocess';
import { faithfulness } from '../../explain/faithfulness';
import { decodePhoto } from '../../image/decode';
import { encodePng } from '../../image/encode';
import type { ComputeMethod, ComputeParams, ComputeResult } from '../../host/protocol';
import { classify } from './classify';
import type { JobContext } from './context';
import { runDreamJob, runVisualiseJob } from './dream-jobs';
import { exportDream, exportOverlay } from './exports';
import { featureMaps } from './feature-maps';
import { firstLayerFilters } from './filters';
import { ANALYSIS_MAX_SIDE, explainMap, normalisedMap } from './heatmap';
import { BUNDLED_MODELS, getModel, summariseLayers, summariseModel } from './models';

export { ANALYSIS_MAX_SIDE };
/** The heatmap sent to the studio; the canvas scales it onto the photo. */
const HEATMAP_MAX_SIDE = 1024;

type ComputeServices = { [M in ComputeMethod]: (params: ComputeParams<M>, context: JobContext) => Promise<ComputeResult<M>> };

export const computeServices: ComputeServices = {
  /** The backend in use and why faster ones were skipped (initRuntime is idempotent). */
  runtime: () => initRuntime(),

  async 'models:list'() {
    return Promise.all(BUNDLED_MODELS.map(async (id) => summariseModel(await getModel(id))));
  },

  async 'models:summary'(params) {
    return summariseModel(await getModel(params.model));
  },

  async 'models:filters'(params) {
    return firstLayerFilters(await getModel(params.model));
  },

  async 'models:layers'(params) {
    return summariseLayers(await getModel(params.model));
  },

  async classify(params) {
    const model = await getModel(params.model);
    const { image } = await decodePhoto(params.path, { maxSide: ANALYSIS_MAX_SIDE });
    return classify(model, image, params.top);
  },

  async heatmap(params, context) {
    const spec = explainSpec.parse(params.spec);
    const explained = await explainMap(spec, context);
    const { width, height } = explained.info;
    const scale = Math.min(1, HEATMAP_MAX_SIDE / Math.max(width, height));
    const heatWidth = Math.max(1, Math.round(width * scale));
    const heatHeight = Math.max(1, Math.round(height * scale));
    const normalised = normalisedMap(explained, heatWidth, heatHeight);
    const grey = Uint8Array.from(normalised.data, (value) => Math.round(value * 255));
    const mapPng = await encodePng({ data: grey, width: heatWidth, height: heatHeight, channels: 1 });
    return {
      model: explained.model.id,
      layer: LAYER_METHODS.includes(spec.method) ? explained.layer : null,
      classAgnostic: CLASS_AGNOSTIC_METHODS.includes(spec.method),
      mapPng: `data:image/png;base64,${mapPng.toString('base64')}`,
      classIndex: explained.classIndex,
      label: explained.label,
      score: explained.score,
      method: spec.method,
      mapWidth: explained.output.map.width,
      mapHeight: explained.output.map.height,
      width,
      height,
      notes: explained.output.notes,
    };
  },

  async featureMaps(params) {
    const model = await getModel(params.model);
    const { image } = await decodePhoto(params.path, { maxSide: ANALYSIS_MAX_SIDE });
    return featureMaps(model, image, params.layer);
  },

  async faithfulness(params, context) {
    const spec = explainSpec.parse(params.spec);
    const explained = await explainMap(spec, context);
    const { image } = await decodePhoto(spec.path, { maxSide: ANALYSIS_MAX_SIDE });
    const input = await photoToModelInput(image, explained.model);
    try {
      return await faithfulness(explained.model, input, explained.output.map, explained.classIndex, {
        steps: params.steps,
        signal: context.signal,
        onProgress: context.progress,
      });
    } finally {
      input.dispose();
    }
  },

  dream: runDreamJob,
  visualise: runVisualiseJob,
  exportOverlay,
  exportDream,
};

// The compute process's service table: method name → function of (params, job context).
import { explainSpec, LAYER_METHODS, type HeatmapResult } from '../../../preload/contract';
import { initRuntime } from '../../engine/runtime';
import { photoToModelInput } from '../../engine/preprocess';
import { faithfulness } from '../../explain/faithfulness';
import { decodePhoto } from '../../image/decode';
import { encodePng } from '../../image/encode';
import { classify } from './classify';
import type { JobContext } from './context';
import { runDreamJob, runVisualiseJob, type DreamJobParams, type VisualiseParams } from './dream-jobs';
import { exportDream, exportOverlay, type DreamExportParams, type OverlayExportParams } from './exports';
import { featureMaps } from './feature-maps';
import { firstLayerFilters } from './filters';
import { explainPhoto, normalisedMap } from './heatmap';
import { colorize } from '../../explain/render';
import { BUNDLED_MODELS, getModel, summariseLayers, summariseModel } from './models';

/** The studio's photos are decoded at most this large for display-side work (exports use full size). */
const DISPLAY_MAX_SIDE = 2048;
/** The heatmap sent to the studio; the canvas scales it onto the photo. */
const HEATMAP_MAX_SIDE = 1024;

type Service = (params: any, context: JobContext) => Promise<unknown>;

export const computeServices: Record<string, Service> = {
  /** The backend in use and why faster ones were skipped (initRuntime is idempotent). */
  runtime: () => initRuntime(),

  async 'models:list'() {
    return Promise.all(BUNDLED_MODELS.map(async (id) => summariseModel(await getModel(id))));
  },

  async 'models:summary'(params: { model: string }) {
    return summariseModel(await getModel(params.model));
  },

  async 'models:filters'(params: { model: string }) {
    return firstLayerFilters(await getModel(params.model));
  },

  async 'models:layers'(params: { model: string }) {
    return summariseLayers(await getModel(params.model));
  },

  async classify(params: { path: string; model: string; top: number }) {
    const model = await getModel(params.model);
    const { image } = await decodePhoto(params.path, { maxSide: DISPLAY_MAX_SIDE });
    return classify(model, image, params.top);
  },

  async heatmap(params: { spec: unknown }, context): Promise<HeatmapResult> {
    const spec = explainSpec.parse(params.spec);
    const explained = await explainPhoto(spec, context, DISPLAY_MAX_SIDE);
    const { width, height } = explained.info;
    const scale = Math.min(1, HEATMAP_MAX_SIDE / Math.max(width, height));
    const heatWidth = Math.max(1, Math.round(width * scale));
    const heatHeight = Math.max(1, Math.round(height * scale));
    const normalised = normalisedMap(explained, heatWidth, heatHeight);
    const grey = Uint8Array.from(normalised.data, (value) => Math.round(value * 255));
    const rgba = colorize(normalised, spec.colormap, spec.threshold);
    const png = await encodePng({ data: rgba, width: heatWidth, height: heatHeight, channels: 4 });
    const mapPng = await encodePng({ data: grey, width: heatWidth, height: heatHeight, channels: 1 });
    return {
      model: explained.model.id,
      layer: LAYER_METHODS.includes(spec.method) ? explained.layer : null,
      classAgnostic: spec.method === 'eigencam',
      mapPng: `data:image/png;base64,${mapPng.toString('base64')}`,
      classIndex: explained.classIndex,
      label: explained.label,
      score: explained.score,
      method: spec.method,
      mapWidth: explained.output.map.width,
      mapHeight: explained.output.map.height,
      heatmapPng: `data:image/png;base64,${png.toString('base64')}`,
      width,
      height,
      notes: explained.output.notes,
    };
  },

  async featureMaps(params: { path: string; model: string; layer: string }) {
    const model = await getModel(params.model);
    const { image } = await decodePhoto(params.path, { maxSide: DISPLAY_MAX_SIDE });
    return featureMaps(model, image, params.layer);
  },

  async faithfulness(params: { spec: unknown; steps: number }, context) {
    const spec = explainSpec.parse(params.spec);
    const explained = await explainPhoto(spec, context, DISPLAY_MAX_SIDE);
    const input = await photoToModelInput(explained.image, explained.model);
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

  dream: (params: DreamJobParams, context) => runDreamJob(params, context),
  visualise: (params: VisualiseParams, context) => runVisualiseJob(params, context),
  exportOverlay: (params: OverlayExportParams, context) => exportOverlay(params, context),
  exportDream: (params: DreamExportParams, context) => exportDream(params, context),
};

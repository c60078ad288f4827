import type { Classification, LayerSummary, ModelSummary } from '../../../preload/contract';
import { api, errorCode, errorMessage, newJobId } from '../lib/api';
import { withJob } from './jobs';
import type { SliceCreator } from './types';

export interface ModelSlice {
  models: ModelSummary[];
  modelsError: string | null;
  modelId: string | null;
  layers: LayerSummary[];
  layersModel: string | null;
  classification: Classification | null;
  classifyJob: string | null;
  /** Why the selected photo could not be classified (shown in the panel). */
  classifyError: string | null;
  loadModels(): Promise<void>;
  selectModel(id: string): void;
  loadLayers(): Promise<void>;
  scheduleClassify(): void;
  classify(): Promise<void>;
}

export function currentModel(state: { models: ModelSummary[]; modelId: string | null }): ModelSummary | null {
  return state.models.find((model) => model.id === state.modelId) ?? null;
}

let classifyTimer: ReturnType<typeof setTimeout> | undefined;

export const createModelSlice: SliceCreator<ModelSlice> = (set, get) => ({
  models: [],
  modelsError: null,
  modelId: null,
  layers: [],
  layersModel: null,
  classification: null,
  classifyJob: null,
  classifyError: null,

  async loadModels() {
    try {
      const models = await api().call('models:list', {});
      set({ models, modelsError: null });
      const wanted = get().modelId;
      const chosen = models.find((model) => model.id === wanted) ?? models.find((model) => model.id === 'inception_v3') ?? models[0];
      if (!chosen) return;
      if (chosen.id !== wanted) set({ modelId: chosen.id });
      if (!get().dreamParams.layersText) get().resetDreamLayers();
      // A photo picked while the models were still loading has not been classified yet.
      if (get().selectedPath && !get().classification && !get().classifyJob) get().scheduleClassify();
      await get().loadLayers();
    } catch (error) {
      set({ modelsError: errorMessage(error) });
      get().toast('error', `Cannot list models: ${errorMessage(error)}`);
    }
  },

  selectModel(id) {
    if (id === get().modelId) return;
    get().resetDream();
    set({ modelId: id, classification: null, classIndex: null, heatmap: null, heatmapKey: null, featureMaps: null, selectedChannel: null, layer: null, featureLayer: null });
    get().resetDreamLayers();
    void get().loadLayers();
    get().scheduleClassify();
  },

  async loadLayers() {
    const model = currentModel(get());
    if (!model) return;
    try {
      const layers = await api().call('models:layers', { model: model.id });
      if (get().modelId !== model.id) return;
      const spatial = new Set(layers.filter((layer) => layer.spatial).map((layer) => layer.name));
      const fallback = spatial.has(model.defaultCamLayer) ? model.defaultCamLayer : ([...spatial].at(-1) ?? null);
      set((state) => ({
        layers,
        layersModel: model.id,
        layer: state.layer && spatial.has(state.layer) ? state.layer : fallback,
        featureLayer: state.featureLayer && spatial.has(state.featureLayer) ? state.featureLayer : fallback,
      }));
    } catch (error) {
      get().toast('error', `Cannot list the layers of ${model.name}: ${errorMessage(error)}`);
    }
  },

  scheduleClassify() {
    clearTimeout(classifyTimer);
    // Arrow-key browsing selects many photos quickly; classify the one the user stops on.
    classifyTimer = setTimeout(() => void get().classify(), 180);
  },

  async classify() {
    const path = get().selectedPath;
    const model = get().modelId;
    if (!path || !model) return;
    const previous = get().classifyJob;
    if (previous) void api().call('job:cancel', { jobId: previous }).catch(() => undefined);
    const name = path.split(/[\\/]/).pop() ?? path;
    const jobId = newJobId();
    set({ classifyJob: jobId, classifyError: null });
    await withJob(
      get,
      'classify',
      `Classifying ${name}`,
      async () => {
        const result = await api().call('explain:classify', { jobId, path, model, top: 5 });
        if (get().selectedPath === path && get().modelId === model) set({ classification: result });
      },
      {
        jobId,
        quietCancel: true,
        // A photo that cannot be read is already reported on the canvas; say it in the panel too.
        onError: (error) => {
          if (get().selectedPath === path) set({ classifyError: errorMessage(error) });
          return errorCode(error) === 'photo';
        },
      },
    );
    if (get().classifyJob === jobId) set({ classifyJob: null });
  },
});

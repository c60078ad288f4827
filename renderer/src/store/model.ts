import { DEFAULT_MODEL, type CatalogueModel, type Classification, type LayerSummary, type ModelSummary } from '../../../preload/contract';
import { api, errorCode, errorMessage, newJobId } from '../lib/api';
import { withJob, withReplacingJob } from './jobs';
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
  /** Model folders the user opened (persisted, newest first). */
  recentModels: string[];
  modelPathInput: string;
  openingModel: boolean;
  modelOpenError: string | null;
  catalogue: CatalogueModel[] | null;
  catalogueError: string | null;
  downloadJob: string | null;
  downloadingId: string | null;
  downloadError: string | null;
  setModelPathInput(value: string): void;
  openModel(path: string): Promise<void>;
  pickModelFolder(): Promise<void>;
  forgetRecentModel(path: string): void;
  loadCatalogue(): Promise<void>;
  downloadModel(id: string): Promise<void>;
  addModel(model: ModelSummary, folder: string | null): void;
  loadModels(): Promise<void>;
  selectModel(id: string): void;
  loadLayers(): Promise<void>;
  scheduleClassify(): void;
  classify(): Promise<void>;
}

export function currentModel(state: { models: ModelSummary[]; modelId: string | null }): ModelSummary | null {
  return state.models.find((model) => model.id === state.modelId) ?? null;
}

/** Adds a model to the picker, replacing one with the same id. */
export function withModel(models: ModelSummary[], model: ModelSummary): ModelSummary[] {
  const at = models.findIndex((candidate) => candidate.id === model.id);
  return at < 0 ? [...models, model] : models.map((candidate, index) => (index === at ? model : candidate));
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
  recentModels: [],
  modelPathInput: '',
  openingModel: false,
  modelOpenError: null,
  catalogue: null,
  catalogueError: null,
  downloadJob: null,
  downloadingId: null,
  downloadError: null,

  setModelPathInput: (modelPathInput) => set({ modelPathInput }),

  addModel(model, folder) {
    set((state) => ({
      models: withModel(state.models, model),
      recentModels: folder ? [folder, ...state.recentModels.filter((path) => path !== folder)].slice(0, 8) : state.recentModels,
    }));
    // Re-opening the chosen model (e.g. at start-up) keeps it chosen; its layers still need listing.
    if (get().modelId === model.id) void get().loadLayers();
    else get().selectModel(model.id);
  },

  async openModel(path) {
    const trimmed = path.trim();
    if (!trimmed) {
      set({ modelOpenError: 'Type the path of a model folder first (it holds model.json and its weight files).' });
      return;
    }
    set({ openingModel: true, modelOpenError: null });
    try {
      const model = await api().call('models:open', { path: trimmed });
      set({ openingModel: false, modelPathInput: '' });
      get().addModel(model, trimmed);
      get().toast('success', `Opened ${model.name}`);
    } catch (error) {
      set({ openingModel: false, modelOpenError: errorMessage(error) });
    }
  },

  async pickModelFolder() {
    try {
      const picked = await api().call('models:pickFolder', {});
      if (picked) await get().openModel(picked);
    } catch (error) {
      get().toast('error', `Cannot pick a model folder: ${errorMessage(error)}`);
    }
  },

  forgetRecentModel(path) {
    set((state) => ({ recentModels: state.recentModels.filter((candidate) => candidate !== path) }));
  },

  async loadCatalogue() {
    try {
      set({ catalogue: await api().call('models:catalogue', {}), catalogueError: null });
    } catch (error) {
      set({ catalogueError: errorMessage(error) });
    }
  },

  async downloadModel(id) {
    if (get().downloadJob) return;
    const entry = get().catalogue?.find((candidate) => candidate.id === id);
    const jobId = newJobId();
    set({ downloadJob: jobId, downloadingId: id, downloadError: null });
    let failure: unknown = null;
    const model = await withJob(
      get,
      'download',
      `Downloading ${entry?.name ?? id}`,
      async () => {
        try {
          return await api().call('models:download', { jobId, id });
        } catch (caught) {
          failure = caught;
          throw caught;
        }
      },
      // The panel shows the reason as the host gave it (e.g. offline).
      { jobId, onError: () => true },
    );
    set({ downloadJob: null, downloadingId: null });
    if (model) {
      get().addModel(model, null);
      get().toast('success', `Downloaded ${model.name}`);
      void get().loadCatalogue();
    } else if (failure && errorCode(failure) !== 'cancelled') {
      set({ downloadError: `${entry?.name ?? id}: ${errorMessage(failure)}` });
    }
  },

  async loadModels() {
    try {
      const listed = await api().call('models:list', {});
      // Models opened from folders this session stay in the picker even if the host does not list them.
      const models = get().models.reduce((all, model) => (all.some((candidate) => candidate.id === model.id) ? all : [...all, model]), listed);
      set({ models, modelsError: null });
      const wanted = get().modelId;
      // The last session ended on a model opened from a folder: open it again.
      if (wanted && !models.some((model) => model.id === wanted) && get().recentModels.includes(wanted)) {
        await get().openModel(wanted);
        if (get().models.some((model) => model.id === wanted)) return;
      }
      const chosen = models.find((model) => model.id === wanted) ?? models.find((model) => model.id === DEFAULT_MODEL) ?? models[0];
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
    set({ modelId: id, classification: null, classIndex: null, heatmap: null, heatmapKey: null, heatmapSpec: null, faithfulness: null, faithfulnessKey: null, pinnedB: null, compareHeatmaps: false, featureMaps: null, selectedChannel: null, layer: null, featureLayer: null });
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
    const name = path.split(/[\\/]/).pop() ?? path;
    set({ classifyError: null });
    await withReplacingJob(
      get,
      set,
      'classifyJob',
      'classify',
      `Classifying ${name}`,
      async (jobId) => {
        const result = await api().call('explain:classify', { jobId, path, model });
        if (get().selectedPath === path && get().modelId === model) set({ classification: result });
      },
      {
        quietCancel: true,
        // A photo that cannot be read is already reported on the canvas; say it in the panel too.
        onError: (error) => {
          if (get().selectedPath === path) set({ classifyError: errorMessage(error) });
          return errorCode(error) === 'photo';
        },
      },
    );
  },
});

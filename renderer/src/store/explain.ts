import {
  EXPLAIN_DEFAULTS,
  methodOptionOf,
  type Colormap,
  type ExplainSpec,
  type FaithfulnessResult,
  type FeatureMapsResult,
  type HeatmapResult,
  type Method,
  type MethodOption,
  type RequestOf,
} from '../../../preload/contract';
import { api } from '../lib/api';
import { METHOD_LABELS } from '../lib/methods';
import { withReplacingJob } from './jobs';
import type { SliceCreator, StudioState } from './types';

/** What the studio sends: the request's input shape (fields with defaults may be left out). */
export type ExplainRequestSpec = RequestOf<'explain:heatmap'>['spec'];

export type FeatureSort = 'index' | 'mean-desc' | 'mean-asc';

/** The per-method knobs of explainSpec (each applies to one method only: METHOD_OPTION). */
export type MethodOptions = Pick<ExplainSpec, MethodOption>;

export const DEFAULT_METHOD_OPTIONS: MethodOptions = {
  scorecamChannels: EXPLAIN_DEFAULTS.scorecamChannels,
  samples: EXPLAIN_DEFAULTS.samples,
  steps: EXPLAIN_DEFAULTS.steps,
};

/** Only the option the method reads, so changing another one does not call for a new map. */
export function methodOptionsSpec(method: Method, options: MethodOptions): Partial<MethodOptions> {
  const key = methodOptionOf(method);
  return key ? { [key]: options[key] } : {};
}

/**
 * The one opacity the studio shows for the heatmap, in both places (Explain panel, canvas toolbar):
 * 0 = only the photo, 1 = only the heatmap. The contract's `alpha` (the photo's weight in the
 * overlay, what exports and the CLI take) is 1 − this.
 */
export function heatmapOpacityOf(alpha: number): number {
  return Math.round((1 - alpha) * 100) / 100;
}

/** The contract's alpha (photo weight) for a heatmap opacity. */
export function alphaOfHeatmapOpacity(opacity: number): number {
  return Math.round((1 - Math.max(0, Math.min(1, opacity))) * 100) / 100;
}

/** Smallest and largest feature-map tile (px) the grid offers. */
export const FEATURE_TILE_SIZES = [36, 52, 80, 120] as const;

export interface ExplainSlice {
  method: Method;
  layer: string | null;
  /** null = the top class. */
  classIndex: number | null;
  colormap: Colormap;
  /** Weight of the photo in the overlay (the wire's alpha); the studio shows heatmapOpacityOf(alpha). */
  alpha: number;
  threshold: number;
  methodOptions: MethodOptions;
  heatmap: HeatmapResult | null;
  /** What the shown heatmap was computed for, to tell when the settings moved on. */
  heatmapKey: string | null;
  heatmapJob: string | null;
  /** The spec the shown heatmap was computed from (what faithfulness measures). */
  heatmapSpec: ExplainRequestSpec | null;
  faithfulness: FaithfulnessResult | null;
  /** heatmapKey of the map the faithfulness numbers belong to. */
  faithfulnessKey: string | null;
  faithfulnessJob: string | null;
  /** A heatmap kept for comparison (B); the current one is A. */
  pinnedB: HeatmapResult | null;
  /** Show A left / B right of a draggable divider. */
  compareHeatmaps: boolean;
  /** 0..1 of the photo width. */
  heatDivider: number;
  featureLayer: string | null;
  featureMaps: FeatureMapsResult | null;
  featureJob: string | null;
  featureSort: FeatureSort;
  selectedChannel: number | null;
  /** Draw the channel overlay as its crisp cells instead of bilinear-smooth. */
  channelCrisp: boolean;
  /** Width of a feature-map tile in the grid (px). */
  featureTile: number;
  /** The heatmap was hidden because a channel was laid over the photo: shown again when it goes. */
  heatmapHiddenByChannel: boolean;
  setMethod(method: Method): void;
  setLayer(layer: string): void;
  setClassIndex(index: number | null): void;
  setColormap(colormap: Colormap): void;
  setAlpha(alpha: number): void;
  /** Sets the heatmap's opacity (alpha = 1 − opacity). */
  setHeatmapOpacity(opacity: number): void;
  setThreshold(threshold: number): void;
  setMethodOption(key: keyof MethodOptions, value: number): void;
  showHeatmap(): Promise<void>;
  measureFaithfulness(): Promise<void>;
  pinAsB(): void;
  unpinB(): void;
  setCompareHeatmaps(compare: boolean): void;
  setHeatDivider(divider: number): void;
  setFeatureLayer(layer: string): void;
  setFeatureSort(sort: FeatureSort): void;
  loadFeatureMaps(): Promise<void>;
  selectChannel(channel: number | null): void;
  setChannelCrisp(crisp: boolean): void;
  setFeatureTile(size: number): void;
}

/** The explain settings without a photo (what a batch applies to every photo), or null without a model. */
export function explainSettingsOf(state: StudioState): Omit<ExplainRequestSpec, 'path'> | null {
  if (!state.modelId) return null;
  return {
    model: state.modelId,
    layer: state.layer ?? undefined,
    classIndex: state.classIndex ?? undefined,
    method: state.method,
    colormap: state.colormap,
    alpha: state.alpha,
    threshold: state.threshold,
    ...methodOptionsSpec(state.method, state.methodOptions),
  };
}

/** The spec the heatmap and the overlay export use, or null when no photo or model is chosen. */
export function explainSpecOf(state: StudioState): ExplainRequestSpec | null {
  const settings = explainSettingsOf(state);
  return settings && state.selectedPath ? { path: state.selectedPath, ...settings } : null;
}

/**
 * What the map itself depends on. Alpha, colormap and threshold are applied on the client (the
 * canvas recolours HeatmapResult.mapPng), so changing them needs no new map.
 */
export function heatmapKeyOf(spec: ExplainRequestSpec | null): string | null {
  if (!spec) return null;
  const { alpha: _alpha, colormap: _colormap, threshold: _threshold, ...rest } = spec;
  return JSON.stringify(rest);
}

/**
 * Showing a channel hides the heatmap under it (two colour maps on top of each other cannot be
 * read); hiding the channel brings back a heatmap it hid. The toolbar's checkboxes still show both.
 */
export function selectChannelState(
  state: Pick<StudioState, 'layerVisible' | 'heatmapHiddenByChannel' | 'heatmap'>,
  channel: number | null,
): Pick<StudioState, 'selectedChannel' | 'layerVisible' | 'heatmapHiddenByChannel'> {
  if (channel === null) {
    return {
      selectedChannel: null,
      heatmapHiddenByChannel: false,
      layerVisible: state.heatmapHiddenByChannel ? { ...state.layerVisible, heatmap: true } : state.layerVisible,
    };
  }
  const hides = state.heatmap !== null && state.layerVisible.heatmap;
  return {
    selectedChannel: channel,
    heatmapHiddenByChannel: hides || state.heatmapHiddenByChannel,
    layerVisible: { ...state.layerVisible, channel: true, heatmap: hides ? false : state.layerVisible.heatmap },
  };
}

export const createExplainSlice: SliceCreator<ExplainSlice> = (set, get) => ({
  method: EXPLAIN_DEFAULTS.method,
  layer: null,
  classIndex: null,
  colormap: EXPLAIN_DEFAULTS.colormap,
  alpha: EXPLAIN_DEFAULTS.alpha,
  threshold: EXPLAIN_DEFAULTS.threshold,
  methodOptions: { ...DEFAULT_METHOD_OPTIONS },
  heatmap: null,
  heatmapKey: null,
  heatmapJob: null,
  heatmapSpec: null,
  faithfulness: null,
  faithfulnessKey: null,
  faithfulnessJob: null,
  pinnedB: null,
  compareHeatmaps: false,
  heatDivider: 0.5,
  featureLayer: null,
  featureMaps: null,
  featureJob: null,
  featureSort: 'index',
  selectedChannel: null,
  channelCrisp: false,
  featureTile: 52,
  heatmapHiddenByChannel: false,

  setMethod: (method) => set({ method }),
  setLayer: (layer) => set({ layer }),
  setClassIndex: (classIndex) => set({ classIndex }),
  setColormap: (colormap) => set({ colormap }),
  setAlpha: (alpha) => set({ alpha }),
  setHeatmapOpacity: (opacity) => set({ alpha: alphaOfHeatmapOpacity(opacity) }),
  setThreshold: (threshold) => set({ threshold }),
  setMethodOption: (key, value) => set((state) => ({ methodOptions: { ...state.methodOptions, [key]: value } })),

  async showHeatmap() {
    const spec = explainSpecOf(get());
    if (!spec) {
      get().toast('info', 'Choose a photo first.');
      return;
    }
    await withReplacingJob(get, set, 'heatmapJob', 'heatmap', `${METHOD_LABELS[spec.method ?? EXPLAIN_DEFAULTS.method]} heatmap`, async (jobId) => {
      const result = await api().call('explain:heatmap', { jobId, spec });
      if (get().selectedPath === spec.path && get().modelId === spec.model) {
        // The new map is what the user asked to see: a channel laid over the photo would hide it.
        const visible = get().layerVisible;
        set({
          heatmap: result,
          heatmapKey: heatmapKeyOf(spec),
          heatmapSpec: spec,
          heatmapHiddenByChannel: false,
          layerVisible: { ...visible, heatmap: true, channel: get().selectedChannel === null ? visible.channel : false },
        });
      }
    });
  },

  async measureFaithfulness() {
    const spec = get().heatmapSpec;
    if (!spec || !get().heatmap) {
      get().toast('info', 'Show a heatmap first.');
      return;
    }
    const key = heatmapKeyOf(spec);
    await withReplacingJob(get, set, 'faithfulnessJob', 'faithfulness', `Faithfulness of ${METHOD_LABELS[spec.method ?? EXPLAIN_DEFAULTS.method]}`, async (jobId) => {
      const result = await api().call('explain:faithfulness', { jobId, spec });
      if (get().heatmapKey === key) set({ faithfulness: result, faithfulnessKey: key });
    });
  },

  pinAsB() {
    const heatmap = get().heatmap;
    if (!heatmap) return;
    set({ pinnedB: heatmap, compareHeatmaps: true });
  },
  unpinB() {
    set({ pinnedB: null, compareHeatmaps: false });
  },
  setCompareHeatmaps: (compareHeatmaps) => set({ compareHeatmaps }),
  setHeatDivider: (divider) => set({ heatDivider: Math.max(0, Math.min(1, divider)) }),

  setFeatureLayer: (featureLayer) => set({ featureLayer }),
  setFeatureSort: (featureSort) => set({ featureSort }),

  async loadFeatureMaps() {
    const { selectedPath: path, modelId: model, featureLayer: layer } = get();
    if (!path || !model || !layer) {
      get().toast('info', path ? 'Choose a layer first.' : 'Choose a photo first.');
      return;
    }
    await withReplacingJob(get, set, 'featureJob', 'featureMaps', `Feature maps of ${layer}`, async (jobId) => {
      const result = await api().call('explain:featureMaps', { jobId, path, model, layer });
      if (get().selectedPath === path && get().modelId === model) set((state) => ({ featureMaps: result, ...selectChannelState(state, null) }));
    });
  },

  selectChannel(channel) {
    set((state) => selectChannelState(state, channel));
  },
  setChannelCrisp: (channelCrisp) => set({ channelCrisp }),
  setFeatureTile: (size) => set({ featureTile: FEATURE_TILE_SIZES.reduce((best, tile) => (Math.abs(tile - size) < Math.abs(best - size) ? tile : best)) }),
});

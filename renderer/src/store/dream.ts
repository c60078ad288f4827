import { DREAM_DEFAULTS, MAX_DREAM_LAYERS, MAX_LAYER_WEIGHT, requestDefaults, type DreamResult, type DreamSpec, type HostEvent } from '../../../preload/contract';
import { parseLayerList, type LayerListProblem, type LayerWeight } from '../../../preload/layer-list';
import { api, errorCode, errorMessage, newJobId } from '../lib/api';
import { loadImage } from '../lib/dataUrl';
import { currentModel } from './model';
import { cancelQuietly, withJob } from './jobs';
import type { SliceCreator, StudioState } from './types';

export interface DreamParams {
  /** "mixed3:1, mixed5:1.5" */
  layersText: string;
  objective: 'mean' | 'mean-square';
  octaves: number;
  octaveScale: number;
  steps: number;
  stepSize: number;
  maxSize: number;
  seed: number;
  /** Channel objective: maximise one channel of this layer instead of whole layers ('' = off). */
  channelLayer: string;
  channelIndex: number | null;
}

export interface DreamFrame {
  index: number;
  octave: number;
  step: number;
  objective: number;
  width: number;
  height: number;
  /** The frame preview (decoded once on arrival); the canvas swaps it into one Konva.Image node. */
  image: ImageBitmap | HTMLImageElement;
}

export type DreamStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface DreamSlice {
  dreamParams: DreamParams;
  dreamJob: string | null;
  /** What the running/shown frames are: 'Deep Dream' or "channel N of layer X". */
  dreamLabel: string | null;
  /** A photo path whose features the dream steers towards (spec.guide). */
  dreamGuide: string | null;
  dreamStatus: DreamStatus;
  dreamResult: DreamResult | null;
  dreamError: string | null;
  /** What the engine said about the finished dream (e.g. "no gradient"). */
  dreamNotes: string[];
  /** The finished job whose frames 'export:dream' can write. */
  exportableDreamJob: string | null;
  frames: DreamFrame[];
  framesTruncated: boolean;
  frameIndex: number;
  /** Keep showing the newest frame while a dream runs, until the user scrubs away from it. */
  followLive: boolean;
  playing: boolean;
  fps: number;
  compare: boolean;
  /** Swipe divider position, 0..1 of the photo width (dream on the left). */
  divider: number;
  setDreamParam<K extends keyof DreamParams>(key: K, value: DreamParams[K]): void;
  resetDreamLayers(): void;
  runDream(): Promise<void>;
  /** Re-runs the last dream with exactly the parameters it used. */
  dreamAgainLikeThis(): Promise<void>;
  /** Feature visualisation of one channel: frames go to the same timeline as a dream. */
  visualiseChannel(layer: string, channel: number): Promise<void>;
  setDreamGuide(path: string | null): void;
  resetDream(): void;
  acceptFrame(event: Extract<HostEvent, { type: 'dream-frame' }>): void;
  setFrameIndex(index: number): void;
  stepFrame(delta: number): void;
  setPlaying(playing: boolean): void;
  setFps(fps: number): void;
  setCompare(compare: boolean): void;
  setDivider(divider: number): void;
}

/** The dream part of the state when there is no dream (start, and after a reset). */
const NO_DREAM = {
  dreamJob: null,
  dreamLabel: null,
  dreamStatus: 'idle',
  dreamResult: null,
  dreamError: null,
  dreamNotes: [],
  exportableDreamJob: null,
  frames: [],
  framesTruncated: false,
  frameIndex: 0,
} satisfies Partial<DreamSlice>;

/** More frames than this are not kept (memory); the newest frame still replaces the last one. */
export const MAX_FRAMES = 600;

export const DEFAULT_DREAM_PARAMS: DreamParams = {
  layersText: '',
  objective: DREAM_DEFAULTS.objective,
  octaves: DREAM_DEFAULTS.octaves,
  octaveScale: DREAM_DEFAULTS.octaveScale,
  steps: DREAM_DEFAULTS.steps,
  stepSize: DREAM_DEFAULTS.stepSize,
  maxSize: DREAM_DEFAULTS.maxSize,
  seed: DREAM_DEFAULTS.seed,
  channelLayer: '',
  channelIndex: null,
};

/** A layers-field problem as the studio says it. */
function layerProblemText(problem: LayerListProblem): string {
  switch (problem.kind) {
    case 'syntax':
      return `"${problem.part.trim()}" is not "layer:weight"`;
    case 'not-a-number':
    case 'out-of-range':
      return `weight of ${problem.name} must be a number between -${MAX_LAYER_WEIGHT} and ${MAX_LAYER_WEIGHT}`;
    case 'too-many':
      return `at most ${MAX_DREAM_LAYERS} layers`;
    case 'empty':
      return 'name at least one layer, e.g. mixed3:1';
  }
}

/** The layers field: the layers it names, and its first problem in words (null: none). */
export function parseDreamLayers(text: string): { layers: LayerWeight[]; error: string | null } {
  const { layers, problems } = parseLayerList(text);
  return { layers, error: problems[0] ? layerProblemText(problems[0]) : null };
}

/** The first named layer the model does not have, as the studio says it; null when all exist. */
export function unknownDreamLayerError(layers: { name: string }[], modelLayers: ReadonlySet<string>, modelName: string): string | null {
  const missing = layers.find((layer) => !modelLayers.has(layer.name));
  return missing ? `layer "${missing.name}" does not exist in ${modelName}` : null;
}

/**
 * Everything wrong with the layers text: syntax first, then names the model does not have.
 * Names are checked only once the model's layers are listed (modelLayers null = not yet).
 */
export function dreamLayersError(text: string, modelLayers: ReadonlySet<string> | null, modelName: string): string | null {
  const { layers, error } = parseDreamLayers(text);
  if (error) return error;
  return modelLayers ? unknownDreamLayerError(layers, modelLayers, modelName) : null;
}

/** The current model's layer names, or null while they are still being listed. */
export function modelLayerNames(state: Pick<StudioState, 'layers' | 'layersModel' | 'modelId'>): ReadonlySet<string> | null {
  return state.layersModel !== null && state.layersModel === state.modelId ? new Set(state.layers.map((layer) => layer.name)) : null;
}

export function octaveStarts(frames: DreamFrame[]): number[] {
  const starts: number[] = [];
  frames.forEach((frame, position) => {
    if (position === 0 || frame.step === 0 || frame.octave !== frames[position - 1]!.octave) starts.push(position);
  });
  return starts;
}

function releaseFrames(frames: DreamFrame[]): void {
  for (const frame of frames) if ('close' in frame.image) frame.image.close();
}

/** Frames decode asynchronously; this keeps them in arrival order. */
let decodeQueue: Promise<void> = Promise.resolve();

/** The timeline's caption for a feature visualisation. */
export function visualiseLabel(layer: string, channel: number): string {
  return `channel ${channel} of layer ${layer}`;
}

/** The dream side of a swipe compare; frame numbers count from 1, as the timeline shows them. */
export function dreamSideLabel(kindLabel: string | null, frameIndex: number): string {
  const frame = `frame ${frameIndex + 1}`;
  return !kindLabel || kindLabel === 'Deep Dream' ? `dream ${frame}` : `${kindLabel} · ${frame}`;
}

/** Why the channel objective fields cannot be used, or null (both empty = off). */
export function dreamChannelError(params: Pick<DreamParams, 'channelLayer' | 'channelIndex'>): string | null {
  const layer = params.channelLayer.trim();
  if (!layer && params.channelIndex === null) return null;
  if (!layer) return 'Channel objective: name the layer too (or clear the channel).';
  if (params.channelIndex === null || !Number.isInteger(params.channelIndex) || params.channelIndex < 0) return `Channel objective: give a channel number of ${layer} (0 or more).`;
  return null;
}

export const createDreamSlice: SliceCreator<DreamSlice> = (set, get) => {
  /**
   * Runs a job whose 'dream-frame' events fill the timeline (a dream or a feature visualisation):
   * one store path, so scrubbing, playback and export work the same for both.
   */
  async function runFrameJob(kindLabel: string, jobLabel: string, call: (jobId: string) => Promise<DreamResult>): Promise<void> {
    get().resetDream();
    const jobId = newJobId();
    set({ dreamJob: jobId, dreamLabel: kindLabel, dreamStatus: 'running', dreamError: null, followLive: true, compare: false });
    let failure: unknown = null;
    const result = await withJob(
      get,
      'dream',
      jobLabel,
      async () => {
        try {
          return await call(jobId);
        } catch (caught) {
          failure = caught;
          throw caught;
        }
      },
      { jobId, quietCancel: () => get().dreamJob !== jobId },
    );
    if (get().dreamJob !== jobId) return;
    await decodeQueue;
    if (result) set({ dreamStatus: 'done', dreamResult: result, exportableDreamJob: jobId, dreamNotes: result.notes ?? [] });
    else if (errorCode(failure) === 'cancelled') set({ dreamStatus: 'cancelled' });
    else set({ dreamStatus: 'failed', dreamError: errorMessage(failure) });
  }

  return {
    dreamParams: { ...DEFAULT_DREAM_PARAMS },
    dreamGuide: null,
    ...NO_DREAM,
    followLive: true,
    playing: false,
    fps: requestDefaults('export:dream').fps,
    compare: false,
    divider: 0.5,

    setDreamParam(key, value) {
      set((state) => ({ dreamParams: { ...state.dreamParams, [key]: value } }));
    },

    resetDreamLayers() {
      const model = currentModel(get());
      const layersText = model ? model.defaultDreamLayers.map((name) => `${name}:1`).join(', ') : '';
      set((state) => ({ dreamParams: { ...state.dreamParams, layersText } }));
    },

    async runDream() {
      const path = get().selectedPath;
      const model = get().modelId;
      if (!path || !model) {
        get().toast('info', 'Choose a photo first.');
        return;
      }
      const params = get().dreamParams;
      const { layers } = parseDreamLayers(params.layersText);
      const error = dreamLayersError(params.layersText, modelLayerNames(get()), currentModel(get())?.name ?? model);
      if (error) {
        set({ dreamError: `Layers: ${error}` });
        return;
      }
      const channelError = dreamChannelError(params);
      if (channelError) {
        set({ dreamError: channelError });
        return;
      }
      const guide = get().dreamGuide;
      const spec: DreamSpec = {
        path,
        model,
        layers,
        objective: params.objective,
        ...(params.channelLayer.trim() && params.channelIndex !== null ? { channel: { layer: params.channelLayer.trim(), index: params.channelIndex } } : {}),
        octaves: params.octaves,
        octaveScale: params.octaveScale,
        steps: params.steps,
        stepSize: params.stepSize,
        tile: DREAM_DEFAULTS.tile,
        maxSize: params.maxSize,
        seed: params.seed,
        ...(guide ? { guide } : {}),
      };
      await runFrameJob('Deep Dream', 'Deep Dream', (jobId) => api().call('dream:run', { jobId, spec }));
    },

    async dreamAgainLikeThis() {
      const spec = get().dreamResult?.spec;
      if (!spec) {
        get().toast('info', 'Run a dream to the end first.');
        return;
      }
      if (get().dreamLabel !== 'Deep Dream') {
        get().toast('info', 'The last run was a feature visualisation; use its button again.');
        return;
      }
      await runFrameJob('Deep Dream', 'Deep Dream (again)', (jobId) => api().call('dream:run', { jobId, spec }));
    },

    async visualiseChannel(layer, channel) {
      const model = get().modelId;
      if (!model) {
        get().toast('info', 'Choose a model first.');
        return;
      }
      const label = visualiseLabel(layer, channel);
      await runFrameJob(label, `Visualising ${label}`, (jobId) => api().call('dream:visualise', { jobId, model, layer, channel }));
    },

    setDreamGuide(dreamGuide) {
      set({ dreamGuide });
    },

    resetDream() {
      const { dreamJob, dreamStatus, frames } = get();
      if (dreamJob && dreamStatus === 'running') cancelQuietly(dreamJob);
      set({ ...NO_DREAM, playing: false, compare: false });
      releaseFrames(frames);
    },

    acceptFrame(event) {
      if (event.jobId !== get().dreamJob) return;
      decodeQueue = decodeQueue.then(async () => {
        let image: ImageBitmap | HTMLImageElement;
        try {
          // An <img> holds the small JPEG and lets the browser drop and redo its decoded pixels under
          // memory pressure; an ImageBitmap per frame would pin hundreds of MB on a long dream.
          image = await loadImage(event.image);
        } catch {
          return; // a frame that does not decode is skipped; the next one follows
        }
        if (event.jobId !== get().dreamJob) {
          releaseFrames([{ image } as DreamFrame]);
          return;
        }
        const frame: DreamFrame = {
          index: event.index,
          octave: event.octave,
          step: event.step,
          objective: event.objective,
          width: event.width,
          height: event.height,
          image,
        };
        const state = get();
        let frames: DreamFrame[];
        let truncated = state.framesTruncated;
        if (state.frames.length >= MAX_FRAMES) {
          releaseFrames([state.frames.at(-1)!]);
          frames = [...state.frames.slice(0, -1), frame];
          truncated = true;
        } else {
          frames = [...state.frames, frame];
        }
        const follow = state.followLive && !state.playing;
        set({ frames, framesTruncated: truncated, frameIndex: follow ? frames.length - 1 : state.frameIndex });
      });
    },

    setFrameIndex(index) {
      const count = get().frames.length;
      if (!count) return;
      const clamped = Math.max(0, Math.min(count - 1, Math.round(index)));
      set({ frameIndex: clamped, followLive: clamped === count - 1 });
    },
    stepFrame(delta) {
      get().setFrameIndex(get().frameIndex + delta);
    },
    setPlaying(playing) {
      set({ playing: playing && get().frames.length > 1 });
    },
    setFps(fps) {
      set({ fps: Math.max(1, Math.min(60, Math.round(fps) || 1)) });
    },
    setCompare(compare) {
      set({ compare });
    },
    setDivider(divider) {
      set({ divider: Math.max(0, Math.min(1, divider)) });
    },
  };
};


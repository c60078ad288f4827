import { DREAM_DEFAULTS, KEPT_DREAMS, MAX_DREAM_LAYERS, MAX_LAYER_WEIGHT, requestDefaults, type DreamResult, type DreamSpec, type HostEvent } from '../../../preload/contract';
import { parseLayerList, type LayerListProblem, type LayerWeight } from '../../../preload/layer-list';
import { api, errorCode, errorMessage, newJobId } from '../lib/api';
import { loadImage } from '../lib/dataUrl';
import { fileName } from '../lib/text';
import { currentModel } from './model';
import { cancelQuietly, withJob } from './jobs';
import type { SliceCreator, StudioState } from './types';

export interface DreamParams {
  /** "mixed3:1, mixed5:1" */
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

/** The timeline of one dream: what the studio shows, and keeps per photo while another is open. */
export interface DreamTimeline {
  dreamJob: string | null;
  /** What the running/shown frames are: 'Deep Dream' or "channel N of layer X". */
  dreamLabel: string | null;
  dreamStatus: DreamStatus;
  dreamResult: DreamResult | null;
  dreamError: string | null;
  /** What the engine said about the finished dream (e.g. "no gradient"). */
  dreamNotes: string[];
  /** The job whose frames 'export:dream' can write: set and cleared as the compute process says ('dream-kept', 'dream-released'). */
  exportableDreamJob: string | null;
  frames: DreamFrame[];
  framesTruncated: boolean;
  frameIndex: number;
}

/** A dream of another photo, shown again when that photo is picked again. */
export interface KeptDream extends DreamTimeline {
  photo: string;
}

export interface DreamSlice extends DreamTimeline {
  dreamParams: DreamParams;
  /** A photo path whose features the dream steers towards (spec.guide). */
  dreamGuide: string | null;
  /** The last dream of other photos (oldest first), at most KEPT_DREAMS − 1 besides the shown one. */
  keptDreams: KeptDream[];
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
  /** Puts the shown dream's parameters (and guide) back into the fields, to run it again or vary it. */
  loadDreamSettings(): void;
  /** Feature visualisation of one channel: frames go to the same timeline as a dream. */
  visualiseChannel(layer: string, channel: number): Promise<void>;
  setDreamGuide(path: string | null): void;
  resetDream(): void;
  /**
   * The photo changes from `from` to `to`: the dream shown (finished, cancelled or running, which is
   * stopped) is kept for `from`, and the one kept for `to`, if any, is shown again.
   */
  switchDreamPhoto(from: string | null, to: string | null): void;
  /** Before another photo is opened while a dream runs: asks whether to stop it (true: go ahead). */
  confirmStopDream(next: string): Promise<boolean>;
  /** The compute process holds (kept) or dropped (released) a job's frames: that dream is exportable, or no longer. */
  computeDreamHeld(event: Extract<HostEvent, { type: 'dream-kept' | 'dream-released' }>): void;
  /** The compute process restarted: none of its dreams can be exported any more. */
  forgetComputeDreams(): void;
  acceptFrame(event: Extract<HostEvent, { type: 'dream-frame' }>): void;
  setFrameIndex(index: number): void;
  stepFrame(delta: number): void;
  setPlaying(playing: boolean): void;
  setFps(fps: number): void;
  setCompare(compare: boolean): void;
  setDivider(divider: number): void;
}

/** The dream part of the state when there is no dream (start, and after a reset). */
const NO_DREAM: DreamTimeline = {
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
};

function timelineOf(state: DreamTimeline): DreamTimeline {
  return Object.fromEntries(Object.keys(NO_DREAM).map((key) => [key, state[key as keyof DreamTimeline]])) as unknown as DreamTimeline;
}

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

/** The label of the Deep Dream timeline; anything else on the timeline is a feature visualisation. */
export const DEEP_DREAM_LABEL = 'Deep Dream';

/** True while the timeline holds a feature visualisation (a square image grown from noise, not the photo). */
export function isFeatureVisualisation(state: Pick<DreamTimeline, 'dreamLabel' | 'frames'>): boolean {
  return state.frames.length > 0 && state.dreamLabel !== null && state.dreamLabel !== DEEP_DREAM_LABEL;
}

/**
 * The timeline's "frame n of m": while the dream runs, m is the frames it will make (octaves × steps,
 * from the job's progress), not the frames that have arrived so far.
 */
export function frameCounter(index: number, count: number, expected: number, running: boolean): string {
  const total = running && expected > count ? expected : count;
  return `${index + 1}/${total}`;
}

/** The layers field's text for a layer list: "mixed3:1, mixed5:1". */
export function layersTextOf(layers: readonly { name: string; weight: number }[]): string {
  return layers.map((layer) => `${layer.name}:${layer.weight}`).join(', ');
}

/** The panel's fields (and guide) that reproduce a dream's spec. */
export function dreamSettingsOf(spec: DreamSpec): { params: DreamParams; guide: string | null } {
  return {
    params: {
      layersText: layersTextOf(spec.layers ?? []),
      objective: spec.objective,
      octaves: spec.octaves,
      octaveScale: spec.octaveScale,
      steps: spec.steps,
      stepSize: spec.stepSize,
      maxSize: spec.maxSize,
      seed: spec.seed,
      channelLayer: spec.channel?.layer ?? '',
      channelIndex: spec.channel?.index ?? null,
    },
    guide: spec.guide ?? null,
  };
}

/** True when the fields already hold the dream's settings ("load" would change nothing). */
export function holdsDreamSettings(params: DreamParams, guide: string | null, spec: DreamSpec): boolean {
  const wanted = dreamSettingsOf(spec);
  const sameLayers = JSON.stringify(parseDreamLayers(params.layersText).layers) === JSON.stringify(spec.layers ?? []);
  const { layersText: _a, ...rest } = params;
  const { layersText: _b, ...wantedRest } = wanted.params;
  return sameLayers && guide === wanted.guide && JSON.stringify(rest) === JSON.stringify(wantedRest);
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
  return !kindLabel || kindLabel === DEEP_DREAM_LABEL ? `dream ${frame}` : `${kindLabel} · ${frame}`;
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
    await decodeQueue;
    // Whether its frames can be exported, the compute process says ('dream-kept'): a finished dream's
    // always, a cancelled one's if it made any.
    const outcome: Partial<DreamTimeline> = result
      ? { dreamStatus: 'done', dreamResult: result, dreamNotes: result.notes ?? [] }
      : errorCode(failure) === 'cancelled'
        ? { dreamStatus: 'cancelled' }
        : { dreamStatus: 'failed', dreamError: errorMessage(failure) };
    // The dream may be shown, kept for another photo (the user moved on), or gone (replaced).
    updateTimeline((dream) => dream.dreamJob === jobId, outcome);
  }

  /** Changes the timeline(s) that match, whether shown or kept for another photo. */
  function updateTimeline(matches: (dream: DreamTimeline) => boolean, change: Partial<DreamTimeline>): void {
    set((state) => ({
      ...(matches(state) ? change : {}),
      keptDreams: state.keptDreams.map((dream) => (matches(dream) ? { ...dream, ...change } : dream)),
    }));
  }

  return {
    dreamParams: { ...DEFAULT_DREAM_PARAMS },
    dreamGuide: null,
    keptDreams: [],
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
      const layersText = model ? layersTextOf(model.defaultDreamLayers.map((name) => ({ name, weight: 1 }))) : '';
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
      await runFrameJob(DEEP_DREAM_LABEL, DEEP_DREAM_LABEL, (jobId) => api().call('dream:run', { jobId, spec }));
    },

    loadDreamSettings() {
      const spec = get().dreamResult?.spec;
      if (!spec || get().dreamLabel !== DEEP_DREAM_LABEL) {
        get().toast('info', 'Run a dream to the end first: its settings can then be loaded back.');
        return;
      }
      const { params, guide } = dreamSettingsOf(spec);
      set({ dreamParams: params, dreamGuide: guide, dreamError: null });
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

    switchDreamPhoto(from, to) {
      const state = get();
      const running = state.dreamStatus === 'running';
      // A running dream is stopped; its frames so far stay (the compute process keeps them too).
      if (running && state.dreamJob) cancelQuietly(state.dreamJob);
      let kept = state.keptDreams;
      const worthKeeping = from !== null && (state.frames.length > 0 || running);
      if (worthKeeping) {
        for (const older of kept.filter((dream) => dream.photo === from)) releaseFrames(older.frames);
        kept = [...kept.filter((dream) => dream.photo !== from), { photo: from, ...timelineOf(state) }];
      } else {
        releaseFrames(state.frames);
      }
      const restored = to === null ? undefined : kept.find((dream) => dream.photo === to);
      if (restored) kept = kept.filter((dream) => dream !== restored);
      // Besides the one shown, as many as the compute process keeps for export (whether it still
      // holds a kept one, it says: 'dream-released').
      while (kept.length > KEPT_DREAMS - 1) {
        releaseFrames(kept[0]!.frames);
        kept = kept.slice(1);
      }
      const { photo: _photo, ...timeline } = restored ?? { photo: '', ...NO_DREAM };
      set({ ...timeline, keptDreams: kept, playing: false, compare: false, followLive: !restored || restored.frameIndex === restored.frames.length - 1 });
      if (worthKeeping && !running && kept.some((dream) => dream.photo === from)) {
        get().toast('info', `The dream of ${fileName(from)} is kept: pick that photo again to see it.`);
      }
    },

    async confirmStopDream(next) {
      const state = get();
      if (state.dreamStatus !== 'running' || !state.dreamJob) return true;
      const expected = state.jobs[state.dreamJob]?.total ?? 0;
      const made = state.frames.length;
      const progress = expected > 0 ? `${made} of ${expected} frames` : `${made} frame${made === 1 ? '' : 's'} so far`;
      const photo = state.selectedPath ? fileName(state.selectedPath) : 'this photo';
      const what = state.dreamLabel && state.dreamLabel !== DEEP_DREAM_LABEL ? `The visualisation of ${state.dreamLabel}` : `The dream of ${photo}`;
      return state.askConfirm({
        title: 'Stop the running dream?',
        message: `${what} is still running (${progress}). Opening ${fileName(next)} stops it; the frames made so far stay with ${photo}: pick it again to see or export them.`,
        confirmLabel: `Stop and open ${fileName(next)}`,
        cancelLabel: 'Keep dreaming',
      });
    },

    computeDreamHeld(event) {
      // Any studio hears this, also for dreams another one started (two tabs share one compute process).
      if (event.type === 'dream-kept') updateTimeline((dream) => dream.dreamJob === event.jobId, { exportableDreamJob: event.jobId });
      else updateTimeline((dream) => dream.exportableDreamJob === event.jobId, { exportableDreamJob: null });
    },

    forgetComputeDreams() {
      set((state) => ({
        exportableDreamJob: null,
        keptDreams: state.keptDreams.map((dream) => ({ ...dream, exportableDreamJob: null })),
      }));
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


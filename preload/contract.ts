// The one contract between the studio (renderer) and its host (Electron main or the browser host).
// Request schemas are zod: the host validates every payload with them before anything runs.
// Result and event types are plain TypeScript: they come from our own code.
import { z } from 'zod';

const path = z.string().min(1).max(4096);
const jobId = z.string().min(1).max(100);
const modelId = z.string().min(1).max(4096);
const layerName = z.string().min(1).max(200);

export const CAM_METHODS = ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'scorecam', 'eigencam'] as const;
export const SALIENCY_METHODS = ['guided-backprop', 'guided-gradcam', 'smoothgrad', 'integrated-gradients'] as const;
export const METHODS = [...CAM_METHODS, ...SALIENCY_METHODS] as const;
export type Method = (typeof METHODS)[number];
/** Methods that read a target layer (the Grad-CAM family, and Guided Grad-CAM through Grad-CAM). */
export const LAYER_METHODS: readonly Method[] = [...CAM_METHODS, 'guided-gradcam'];
/** Methods whose map ignores the chosen class (HeatmapResult.classAgnostic). */
export const CLASS_AGNOSTIC_METHODS: readonly Method[] = ['eigencam'];
/** The one explainSpec option each method reads; the other methods read none. */
export const METHOD_OPTION = {
  scorecam: 'scorecamChannels',
  smoothgrad: 'samples',
  'integrated-gradients': 'steps',
} as const satisfies Partial<Record<Method, keyof ExplainSpec>>;
export type MethodOption = (typeof METHOD_OPTION)[keyof typeof METHOD_OPTION];
export function methodOptionOf(method: Method): MethodOption | null {
  return (METHOD_OPTION as Partial<Record<Method, MethodOption>>)[method] ?? null;
}
export const COLORMAPS = ['jet', 'viridis', 'inferno', 'turbo'] as const;
export type Colormap = (typeof COLORMAPS)[number];
export const DREAM_OBJECTIVES = ['mean', 'mean-square'] as const;
export const DEFAULT_MODEL = 'inception_v3';
/** Limits of a dream's layer list (dreamSpec.layers). */
export const MAX_DREAM_LAYERS = 20;
export const MAX_LAYER_WEIGHT = 100;
/**
 * The compute process keeps the frames of this many of the latest dreams (finished, or cancelled
 * with frames) for export; the studio keeps the timelines of as many for coming back to a photo.
 * Which dreams it holds, the compute process says itself ('dream-kept', 'dream-released').
 */
export const KEPT_DREAMS = 3;

export const explainSpec = z.object({
  path,
  model: modelId,
  /** Default: the model's last spatial layer. */
  layer: layerName.optional(),
  /** Default: the top class. */
  classIndex: z.number().int().min(0).max(100_000).optional(),
  method: z.enum(METHODS).default('gradcam'),
  colormap: z.enum(COLORMAPS).default('jet'),
  /** Weight of the photo in the overlay: out = (1 − alpha)·heat + alpha·photo. */
  alpha: z.number().min(0).max(1).default(0.5),
  /** Map values below this (0..1, after normalisation) are not coloured. */
  threshold: z.number().min(0).max(1).default(0),
  /** For user models: pixel values 0..255 map linearly onto [min, max] (overrides the model's metadata). */
  inputRange: z
    .tuple([z.number().min(-1e6).max(1e6), z.number().min(-1e6).max(1e6)])
    .refine(([min, max]) => min < max, 'inputRange must be [min, max] with min < max')
    .optional(),
  /** Score-CAM: score only the channels with the highest mean activation (one forward pass each). */
  scorecamChannels: z.number().int().min(1).max(100_000).default(128),
  /** SmoothGrad: noisy copies averaged. */
  samples: z.number().int().min(1).max(1000).default(25),
  /** Integrated Gradients: steps along the path from the black baseline. */
  steps: z.number().int().min(2).max(4096).default(64),
});
export type ExplainSpec = z.infer<typeof explainSpec>;
/** What a caller sends (defaults may be left out). */
export type ExplainSpecInput = z.input<typeof explainSpec>;

export const dreamSpec = z.object({
  path,
  model: modelId.default(DEFAULT_MODEL),
  /** Layer names with weights; default mixed3:1, mixed5:1 on InceptionV3. */
  layers: z
    .array(z.object({ name: layerName, weight: z.number().min(-MAX_LAYER_WEIGHT).max(MAX_LAYER_WEIGHT) }))
    .max(MAX_DREAM_LAYERS)
    .optional(),
  objective: z.enum(DREAM_OBJECTIVES).default('mean'),
  channel: z.object({ layer: layerName, index: z.number().int().min(0) }).optional(),
  octaves: z.number().int().min(1).max(8).default(3),
  octaveScale: z.number().min(1).max(2).default(1.4),
  steps: z.number().int().min(0).max(500).default(10),
  stepSize: z.number().min(0).max(1).default(0.01),
  tile: z.number().int().min(64).max(4096).default(512),
  /** Longest side of the dreamed image; 0 = the photo's full size. */
  maxSize: z.number().int().min(0).max(20000).default(512),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  guide: path.optional(),
});
export type DreamSpec = z.infer<typeof dreamSpec>;
export type DreamSpecInput = z.input<typeof dreamSpec>;

/** The defaults of a schema's fields that have one: what a request may leave out. */
type Defaults<Shape extends z.ZodRawShape> = {
  readonly [K in keyof Shape as Shape[K] extends z.ZodDefault ? K : never]: z.output<Shape[K]>;
};

function defaultsOf<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>): Defaults<Shape> {
  const defaults: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (field instanceof z.ZodDefault) defaults[key] = field.def.defaultValue;
  }
  return Object.freeze(defaults) as Defaults<Shape>;
}

/** The limits of a number field, for input checked before its schema runs (the CLI's flags). */
export function numberRange(field: z.ZodType): { min: number; max: number; integer: boolean } {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  if (!(inner instanceof z.ZodNumber)) throw new TypeError('numberRange: not a number field');
  return { min: inner.minValue ?? -Infinity, max: inner.maxValue ?? Infinity, integer: inner.isInt };
}

export const EXPLAIN_DEFAULTS = defaultsOf(explainSpec);
export const DREAM_DEFAULTS = defaultsOf(dreamSpec);

// ---- export file name templates: "{name}-{method}" ----------------------------------------------

export const NAME_PLACEHOLDERS = ['name', 'method', 'layer', 'class'] as const;
export type NamePlaceholder = (typeof NAME_PLACEHOLDERS)[number];
/** `{key}`. Global: for replace and matchAll only. */
export const NAME_PLACEHOLDER_PATTERN = new RegExp(`\\{(${NAME_PLACEHOLDERS.join('|')})\\}`, 'g');
const KNOWN_PLACEHOLDER = new RegExp(`^(${NAME_PLACEHOLDERS.join('|')})$`);
export const DEFAULT_EXPORT_TEMPLATE = '{name}-{method}';

/** Why a batch name template cannot be used, or null. */
export function templateError(template: string): string | null {
  if (!template.trim()) return `type a name template, e.g. ${DEFAULT_EXPORT_TEMPLATE}`;
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!).filter((key) => !KNOWN_PLACEHOLDER.test(key));
  if (unknown.length) return `unknown placeholder {${unknown[0]}} (use {name} {method} {layer} {class})`;
  if (!template.includes('{name}')) return 'include {name}, or every photo writes the same file';
  return null;
}

const nameTemplate = z
  .string()
  .min(1)
  .max(200)
  .superRefine((template, context) => {
    const problem = templateError(template);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

/** Every request the studio can make, by method name. */
export const requests = {
  'app:info': z.object({}),
  'library:open': z.object({ path }),
  'library:close': z.object({ path }),
  'library:pickFolder': z.object({}),
  'models:list': z.object({}),
  'models:layers': z.object({ model: modelId }),
  'photo:info': z.object({ path }),
  'explain:classify': z.object({ jobId, path, model: modelId, top: z.number().int().min(1).max(1000).default(5) }),
  'explain:heatmap': z.object({ jobId, spec: explainSpec }),
  'explain:featureMaps': z.object({ jobId, path, model: modelId, layer: layerName }),
  'dream:run': z.object({ jobId, spec: dreamSpec }),
  'export:overlay': z.object({
    jobId,
    spec: explainSpec,
    outDir: path,
    overwrite: z.boolean().default(false),
  }),
  'export:dream': z.object({
    jobId: jobId,
    /** The finished dream job whose frames to export. */
    dreamJobId: jobId,
    outDir: path,
    what: z.enum(['frame', 'frames', 'webp', 'gif']),
    frame: z.number().int().min(0).optional(),
    /** Animation speed for webp/gif. */
    fps: z.number().min(0.5).max(60).default(8),
    overwrite: z.boolean().default(false),
  }),
  'export:batch': z.object({
    jobId,
    /** Photos inside opened folders; output mirrors their sub-folders. */
    paths: z.array(path).min(1).max(100_000),
    spec: explainSpec.omit({ path: true }),
    outDir: path,
    /** Also write each raw map as float32 .npy into outDir/raw. */
    rawMaps: z.boolean().default(false),
    /** File name template: {name} {method} {layer} {class}. */
    template: nameTemplate.default(DEFAULT_EXPORT_TEMPLATE),
    /** false = resume: photos whose outputs exist are skipped. */
    overwrite: z.boolean().default(false),
  }),
  'explain:faithfulness': z.object({ jobId, spec: explainSpec, steps: z.number().int().min(4).max(256).default(32) }),
  'dream:visualise': z.object({
    jobId,
    model: modelId,
    layer: layerName,
    channel: z.number().int().min(0).max(100_000),
    size: z.number().int().min(32).max(1024).default(224),
    steps: z.number().int().min(1).max(2000).default(128),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    decorrelate: z.boolean().default(true),
  }),
  'models:open': z.object({ path }),
  'models:pickFolder': z.object({}),
  'models:catalogue': z.object({}),
  'models:filters': z.object({ model: modelId }),
  'models:download': z.object({ jobId, id: z.string().min(1).max(100) }),
  'export:pickFolder': z.object({}),
  'job:cancel': z.object({ jobId }),
} as const;

export type ApiMethod = keyof typeof requests;
export type RequestOf<M extends ApiMethod> = z.input<(typeof requests)[M]>;
export type RequestDefaults<M extends ApiMethod> = Defaults<(typeof requests)[M]['shape']>;
/** The defaults of one request's fields. */
export function requestDefaults<M extends ApiMethod>(method: M): RequestDefaults<M> {
  return defaultsOf(requests[method] as z.ZodObject<(typeof requests)[M]['shape']>) as RequestDefaults<M>;
}

// ---- results ----------------------------------------------------------------------------------

export interface RuntimeSummary {
  backend: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  detail: string;
  skipped: { backend: string; reason: string }[];
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  /** null while the compute process is still starting. */
  runtime: RuntimeSummary | null;
  /** Folders the user has opened in this session (the only ones the media route serves). */
  folders: string[];
}

export interface PhotoEntry {
  path: string;
  /** Path relative to the opened folder, for display. */
  relPath: string;
  name: string;
  bytes: number;
  mtimeMs: number;
}

export interface FolderListing {
  root: string;
  photos: PhotoEntry[];
  /** Files skipped while listing (unreadable directories, ...), with why. */
  skipped: { path: string; reason: string }[];
}

export interface LayerSummary {
  name: string;
  className: string;
  outputShape: number[];
  params: number;
  spatial: boolean;
}

export interface ModelSummary {
  id: string;
  name: string;
  inputSize: [number, number];
  labels: string[];
  defaultCamLayer: string;
  defaultDreamLayers: string[];
}

export interface PhotoSummary {
  path: string;
  format: string;
  width: number;
  height: number;
  notes: string[];
}

export interface ClassScore {
  index: number;
  label: string;
  /** Probability of the class: softmax over a softmax head, sigmoid for a sigmoid head (main/engine/scores.ts). */
  score: number;
  logit: number;
}

export interface Classification {
  model: string;
  top: ClassScore[];
}

export interface HeatmapResult {
  model: string;
  /** The explained layer; null for methods that work on the input (saliency methods). */
  layer: string | null;
  /** True when the method ignores the class (Eigen-CAM). */
  classAgnostic: boolean;
  classIndex: number;
  label: string;
  score: number;
  method: Method;
  /** Resolution of the raw map (layer resolution; input resolution for saliency methods). */
  mapWidth: number;
  mapHeight: number;
  /**
   * The map upsampled to the photo's aspect (smaller for transfer) and normalised to 0..255, one
   * grey channel (PNG data: URL). The studio colours it for the chosen colormap and threshold with
   * the shared LUTs (main/explain/colormaps.ts), so neither change needs the map again.
   */
  mapPng: string;
  /** The photo's size (the canvas scales mapPng onto it). */
  width: number;
  height: number;
  /** e.g. "no positive evidence for this class" */
  notes: string[];
}

export interface FeatureMapsResult {
  layer: string;
  channels: number;
  mapWidth: number;
  mapHeight: number;
  /** Per-channel mean activation, for sorting. */
  means: number[];
  /** All channels tiled in a grid, each normalised on its own (grayscale PNG data: URL). */
  atlasPng: string;
  atlasColumns: number;
}

export interface DreamResult {
  frames: number;
  width: number;
  height: number;
  /** Parameters actually used (defaults filled): the studio loads them back ("Load this dream’s settings"). */
  spec: DreamSpec;
  /** e.g. "no gradient: …", "octaves clamped to 2 …" */
  notes: string[];
}

export interface ExportResult {
  files: string[];
  sidecar: string;
  /** Resume: every file was already there, made with these settings; nothing was written. */
  skipped?: boolean;
}

export interface BatchResult {
  done: number;
  skipped: number;
  failed: { path: string; reason: string }[];
  summaryFile: string;
}

export interface FaithfulnessResult {
  /** Lower is better: the class score falls fast when the most important pixels go. */
  deletionAuc: number;
  /** Higher is better: the score rises fast when the most important pixels come first. */
  insertionAuc: number;
  deletion: number[];
  insertion: number[];
}

export interface CatalogueModel {
  id: string;
  name: string;
  url: string;
  inputSize: [number, number];
  cached: boolean;
  /** Folder to open once downloaded. */
  folder: string | null;
}

export interface FiltersResult {
  /** The first convolution that reads the RGB image. */
  layer: string;
  count: number;
  kernelSize: [number, number];
  columns: number;
  /** Size of one tile in the atlas, in atlas pixels (the last row/column has no gap). */
  tileSize: [number, number];
  /** Every filter as an RGB tile (grey = 0; each filter scaled on its own). PNG data: URL. */
  atlasPng: string;
}

export interface Results {
  'app:info': AppInfo;
  'library:open': FolderListing;
  'library:close': { closed: boolean };
  'library:pickFolder': string | null;
  'models:list': ModelSummary[];
  'models:layers': LayerSummary[];
  'photo:info': PhotoSummary;
  'explain:classify': Classification;
  'explain:heatmap': HeatmapResult;
  'explain:featureMaps': FeatureMapsResult;
  'dream:run': DreamResult;
  'export:overlay': ExportResult;
  'export:dream': ExportResult;
  'export:pickFolder': string | null;
  'export:batch': BatchResult;
  'explain:faithfulness': FaithfulnessResult;
  'dream:visualise': DreamResult;
  'models:open': ModelSummary;
  'models:pickFolder': string | null;
  'models:catalogue': CatalogueModel[];
  'models:filters': FiltersResult | null;
  'models:download': ModelSummary;
  'job:cancel': { cancelled: boolean };
}

// ---- events (host → studio) --------------------------------------------------------------------

export type HostEvent =
  | { type: 'progress'; jobId: string; done: number; total: number; message: string }
  | {
      type: 'dream-frame';
      jobId: string;
      index: number;
      octave: number;
      step: number;
      objective: number;
      width: number;
      height: number;
      /** JPEG data: URL of a preview of the frame ('' when the caller asked for none). */
      image: string;
      /** Where the frame was written, when the job writes frames to disk (CLI). */
      file?: string;
    }
  | { type: 'runtime'; runtime: RuntimeSummary }
  /** The compute process holds this job's frames for export now (a finished dream, or a cancelled one with frames). */
  | { type: 'dream-kept'; jobId: string }
  /** The compute process dropped this job's frames (a newer dream pushed them out): no longer exportable. */
  | { type: 'dream-released'; jobId: string }
  /** The compute process restarted: every dream it held is gone (no 'dream-released' for each). */
  | { type: 'compute-restarted'; reason: string }
  /** Files changed under an opened folder (re-list it), or a folder to open (Electron's File ▸ Open Folder…). */
  | { type: 'folder-changed'; root: string };

// ---- errors ------------------------------------------------------------------------------------

export { ApiError, type ApiErrorShape, type Envelope, type ErrorCode } from './errors';
import type { Envelope } from './errors';

/** What the browser host's socket carries to the page: a call's answer, or an event. */
export type SocketMessage = { id: number; envelope: Envelope<unknown> } | { event: HostEvent };

// ---- the API the studio sees (window.convscope) -------------------------------------------------

export interface ConvscopeApi {
  call<M extends ApiMethod>(method: M, request: RequestOf<M>): Promise<Results[M]>;
  onEvent(listener: (event: HostEvent) => void): () => void;
  /** URL that shows a photo from an opened folder (custom scheme or HTTP route). */
  photoUrl(path: string, thumbnailSize?: number): string;
  /** Path of a file dropped onto the window, where the host can know it (Electron). */
  pathForFile?(file: File): string | null;
}

declare global {
  interface Window {
    convscope: ConvscopeApi;
  }
}

// Messages between main (ComputeHost) and the compute process. One shape for both directions.
import type {
  Classification,
  DreamResult,
  Envelope,
  ExplainSpecInput,
  ExportResult,
  FaithfulnessResult,
  FeatureMapsResult,
  FiltersResult,
  HeatmapResult,
  HostEvent,
  LayerSummary,
  ModelSummary,
  RuntimeSummary,
} from '../../preload/contract';
import type { DreamJobParams, VisualiseParams } from '../services/compute/dream-jobs';
import type { DreamExportParams, OverlayExportParams } from '../services/compute/exports';

/** Every compute method: what it takes and what it answers (main/services/compute/index.ts serves them). */
export interface ComputeMethods {
  /** The backend in use and why faster ones were skipped. */
  runtime: { params: Record<string, never>; result: RuntimeSummary };
  'models:list': { params: Record<string, never>; result: ModelSummary[] };
  /** A bundled model by id, or a model folder. */
  'models:summary': { params: { model: string }; result: ModelSummary };
  'models:filters': { params: { model: string }; result: FiltersResult | null };
  'models:layers': { params: { model: string }; result: LayerSummary[] };
  classify: { params: { path: string; model: string; top: number }; result: Classification };
  heatmap: { params: { spec: ExplainSpecInput }; result: HeatmapResult };
  featureMaps: { params: { path: string; model: string; layer: string }; result: FeatureMapsResult };
  faithfulness: { params: { spec: ExplainSpecInput; steps: number }; result: FaithfulnessResult };
  dream: { params: DreamJobParams; result: DreamResult & { files: string[] } };
  visualise: { params: VisualiseParams; result: DreamResult };
  exportOverlay: { params: OverlayExportParams; result: ExportResult };
  exportDream: { params: DreamExportParams; result: ExportResult };
}

export type ComputeMethod = keyof ComputeMethods;
export type ComputeParams<M extends ComputeMethod> = ComputeMethods[M]['params'];
export type ComputeResult<M extends ComputeMethod> = ComputeMethods[M]['result'];

export type ToCompute =
  | { type: 'call'; id: number; jobId: string; method: ComputeMethod; params: unknown }
  | { type: 'cancel'; jobId: string }
  /** Clean up (temporary frame caches) and exit. */
  | { type: 'shutdown' };

export type FromCompute =
  | { type: 'ready' }
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; event: HostEvent };

// Runs dreams in the compute process: frames go to a bounded frame store (kept for export),
// to the studio as previews, and optionally to numbered PNG files (CLI).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dreamSpec as dreamSpecSchema, KEPT_DREAMS, type DreamResult, type DreamSpec, type DreamSpecInput } from '../../../preload/contract';
import { AbortError } from '../../abort';
import { dream, dreamPlan, visualiseChannel, type DreamFrame, type DreamOutcome } from '../../dream';
import { FrameStore } from '../../dream/frame-store';
import { decodePhoto } from '../../image/decode';
import { encodeJpeg, encodePng, resizeRgb } from '../../image/encode';
import type { RgbImage } from '../../image/types';
import { writeFileAtomic } from '../../export/atomic';
import { dreamRecord } from '../../export/dream-record';
import { sidecarJson } from '../../export/sidecar';
import type { JobContext } from './context';
import { getModel } from './models';

const PREVIEW_MAX_SIDE = 1024;

export interface FinishedDream {
  spec: DreamSpec;
  photoPath: string;
  frames: FrameStore;
  width: number;
  height: number;
  /** What the dream said about itself; a cancelled one says after how many frames. */
  notes: readonly string[];
  /** Cancelled part-way: the frames made until then are kept (export the one you liked). */
  cancelled?: boolean;
}

const finished = new Map<string, FinishedDream>();

export function getDream(jobId: string): FinishedDream | undefined {
  return finished.get(jobId);
}

export interface DreamJobParams {
  /** Checked (and defaults filled) here. */
  spec: DreamSpecInput;
  /** Write parameters.json, every frame as frame-NNNN.png and the last as final.png into this folder. */
  framesDir?: string;
  /** Send each frame to the studio as an image. */
  previews: boolean;
  overwrite?: boolean;
}

export async function runDreamJob(params: DreamJobParams, context: JobContext): Promise<DreamResult & { notes: string[]; files: string[] }> {
  const parsed = dreamSpecSchema.parse(params.spec);
  const model = await getModel(parsed.model);
  // Record what actually runs, so loading the settings back, --params and parameters.json are complete.
  const spec: DreamSpec = { ...parsed, layers: parsed.layers ?? model.defaultDreamLayers.map((name) => ({ name, weight: 1 })) };
  const { image } = await decodePhoto(spec.path, spec.maxSize > 0 ? { maxSide: spec.maxSize } : undefined);
  const guide = spec.guide ? (await decodePhoto(spec.guide, { maxSide: Math.max(image.width, image.height) })).image : undefined;
  const plan = dreamPlan(model, image, spec);
  const record = params.framesDir ? join(params.framesDir, 'parameters.json') : undefined;
  // The provisional record, written just before the first file (collectFrames), so the frames of a
  // dream cut off half-way are still known to be Convscope's (main/export/ownership.ts), while a
  // dream that fails before its first frame (a bad layer or channel) leaves no folder and no record.
  const started = record ? sidecarJson(dreamRecord({ photo: spec.path, parameters: spec, frames: 0, notes: ['incomplete: the dream did not finish'] })) : undefined;
  const generator = dream(model, image, spec, { signal: context.signal, guide });
  const run = await collectFrames(generator, image, plan.totalSteps, { ...params, startRecord: started }, context, [spec.path]);
  const notes = run.cancelled ? [cancelledNote(run.frames.count, plan.totalSteps), ...plan.notes] : run.notes;
  // Rewritten complete at the end (only where the provisional one was written: a folder exists).
  if (record && run.recordStarted) {
    const finished = dreamRecord({ photo: spec.path, parameters: spec, frames: run.frames.count, width: run.last.width, height: run.last.height, notes, cancelled: run.cancelled });
    await writeFileAtomic(record, sidecarJson(finished), { overwrite: true, inputs: [spec.path] });
  }
  remember(context, { spec, photoPath: spec.path, frames: run.frames, width: run.last.width, height: run.last.height, notes, cancelled: run.cancelled });
  if (run.cancelled) throw new AbortError();
  return { frames: run.frames.count, width: run.last.width, height: run.last.height, spec, notes: run.notes, files: run.files };
}

export interface VisualiseParams {
  model: string;
  layer: string;
  channel: number;
  size: number;
  steps: number;
  seed: number;
  decorrelate: boolean;
}

/** Feature visualisation: an image grown from noise that one channel responds to, frame by frame. */
export async function runVisualiseJob(params: VisualiseParams, context: JobContext): Promise<DreamResult & { notes: string[] }> {
  const model = await getModel(params.model);
  const generator = visualiseChannel(model, params.layer, params.channel, { size: params.size, steps: params.steps, seed: params.seed, decorrelate: params.decorrelate, signal: context.signal });
  const blank = { data: new Uint8Array(3), width: 1, height: 1 };
  const run = await collectFrames(generator, blank, params.steps, { previews: true }, context, []);
  // Recorded as a dream so the same exports (frame, frames, animation) work on it.
  const spec = dreamSpecSchema.parse({ path: `${params.layer}-channel-${params.channel}`, model: params.model, channel: { layer: params.layer, index: params.channel }, steps: params.steps, seed: params.seed, maxSize: params.size, octaves: 1 });
  const notes = run.cancelled ? [cancelledNote(run.frames.count, params.steps)] : run.notes;
  remember(context, { spec, photoPath: spec.path, frames: run.frames, width: run.last.width, height: run.last.height, notes, cancelled: run.cancelled });
  if (run.cancelled) throw new AbortError();
  return { frames: run.frames.count, width: run.last.width, height: run.last.height, spec, notes: run.notes };
}

/** The note a dream cancelled part-way carries into its record and every export's sidecar. */
export function cancelledNote(frames: number, total: number): string {
  return `cancelled after ${frames} of ${total} frame${total === 1 ? '' : 's'}`;
}

/**
 * Drains a frame generator: frame store, optional files, previews and progress for each frame.
 * A cancel after at least one frame returns the frames so far (cancelled: true) for the caller to
 * keep; any other failure, or a cancel before the first frame, disposes them and throws.
 */
async function collectFrames(
  generator: AsyncGenerator<DreamFrame, DreamOutcome, void>,
  first: RgbImage,
  totalSteps: number,
  params: Pick<DreamJobParams, 'framesDir' | 'previews' | 'overwrite'> & {
    /** framesDir's parameters.json to write (once, with the folder) just before the first file in it. */
    startRecord?: string;
  },
  context: JobContext,
  inputs: string[],
): Promise<{ frames: FrameStore; last: RgbImage; notes: string[]; files: string[]; cancelled: boolean; recordStarted: boolean }> {
  // Frames beyond the in-memory few spill to a temporary folder, created only when needed.
  const frames = new FrameStore();
  const files: string[] = [];
  let last = first;
  let notes: string[] = [];
  let recordStarted = false;
  /** The folder and its record come into being only once there is a file to put in it. */
  const beforeFirstFile = async (): Promise<void> => {
    if (recordStarted || !params.framesDir) return;
    await mkdir(params.framesDir, { recursive: true });
    if (params.startRecord !== undefined) {
      await writeFileAtomic(join(params.framesDir, 'parameters.json'), params.startRecord, { overwrite: params.overwrite, inputs });
    }
    recordStarted = true;
  };
  try {
    while (true) {
      const next = await generator.next();
      if (next.done) {
        notes = next.value?.notes ?? [];
        break;
      }
      const frame = next.value;
      last = frame.image;
      await frames.add(frame.image);
      let file: string | undefined;
      if (params.framesDir) {
        file = join(params.framesDir, `frame-${String(frame.index + 1).padStart(4, '0')}.png`);
        await beforeFirstFile();
        await writeFileAtomic(file, await encodePng(frame.image), { overwrite: params.overwrite, inputs });
        files.push(file);
      }
      const preview = params.previews ? await previewDataUrl(frame.image) : '';
      const { index, octave, step, objective } = frame;
      context.emit({ type: 'dream-frame', jobId: context.jobId, index, octave, step, objective, width: frame.image.width, height: frame.image.height, image: preview, file });
      context.progress(frame.index + 1, totalSteps, `octave ${frame.octave + 1}, step ${frame.step + 1}`);
    }
    if (params.framesDir) {
      const final = join(params.framesDir, 'final.png');
      await beforeFirstFile();
      await writeFileAtomic(final, await encodePng(last), { overwrite: params.overwrite, inputs });
      files.push(final);
    }
  } catch (error) {
    // Let the generator run its own clean-up (tensors it holds) before the frames go.
    await generator.return(undefined as never).catch(() => undefined);
    if (context.signal.aborted && frames.count > 0) return { frames, last, notes, files, cancelled: true, recordStarted };
    await frames.dispose();
    throw error;
  }
  return { frames, last, notes, files, cancelled: false, recordStarted };
}

/**
 * Keeps a dream's frames for export under its job id, and drops the oldest beyond KEPT_DREAMS. Every
 * studio hears which dreams are held ('dream-kept', 'dream-released'), so none keeps a copy of this
 * rule. A dream under the same id as an earlier one replaces it: the id stays held (no release).
 */
function remember(context: Pick<JobContext, 'jobId' | 'emit'>, entry: FinishedDream): void {
  const { jobId } = context;
  const replaced = finished.get(jobId);
  if (replaced) void replaced.frames.dispose();
  finished.delete(jobId);
  finished.set(jobId, entry);
  context.emit({ type: 'dream-kept', jobId });
  for (const [oldId, old] of finished) {
    if (finished.size <= KEPT_DREAMS) break;
    finished.delete(oldId);
    void old.frames.dispose();
    context.emit({ type: 'dream-released', jobId: oldId });
  }
}

async function previewDataUrl(image: RgbImage): Promise<string> {
  const longest = Math.max(image.width, image.height);
  const scaled = longest > PREVIEW_MAX_SIDE
    ? await resizeRgb(image, Math.round((image.width * PREVIEW_MAX_SIDE) / longest), Math.round((image.height * PREVIEW_MAX_SIDE) / longest))
    : image;
  return `data:image/jpeg;base64,${(await encodeJpeg(scaled)).toString('base64')}`;
}

/** Deletes every kept dream's frame cache (the compute process is shutting down). */
export async function disposeAllDreams(): Promise<void> {
  const all = [...finished.values()];
  finished.clear();
  await Promise.all(all.map((entry) => entry.frames.dispose()));
}

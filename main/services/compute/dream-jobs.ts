// Runs dreams in the compute process: frames go to a bounded frame store (kept for export),
// to the studio as previews, and optionally to numbered PNG files (CLI).
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dreamSpec as dreamSpecSchema, type DreamResult, type DreamSpec } from '../../../preload/contract';
import { dream, dreamPlan } from '../../dream';
import { FrameStore } from '../../dream/frame-store';
import { decodePhoto } from '../../image/decode';
import { encodeJpeg, encodePng, resizeRgb } from '../../image/encode';
import type { RgbImage } from '../../image/types';
import { writeFileAtomic } from '../../export/atomic';
import type { JobContext } from './context';
import { getModel } from './models';

const PREVIEW_MAX_SIDE = 1024;
const KEPT_DREAMS = 3;

export interface FinishedDream {
  spec: DreamSpec;
  photoPath: string;
  frames: FrameStore;
  width: number;
  height: number;
}

const finished = new Map<string, FinishedDream>();

export function getDream(jobId: string): FinishedDream | undefined {
  return finished.get(jobId);
}

export interface DreamJobParams {
  spec: DreamSpec;
  /** Write every frame as frame-NNNN.png and the last as final.png into this folder. */
  framesDir?: string;
  /** Send each frame to the studio as an image. */
  previews: boolean;
  overwrite?: boolean;
}

export async function runDreamJob(params: DreamJobParams, context: JobContext): Promise<DreamResult & { notes: string[]; files: string[] }> {
  const spec = dreamSpecSchema.parse(params.spec);
  const model = await getModel(spec.model);
  const { image } = await decodePhoto(spec.path, spec.maxSize > 0 ? { maxSide: spec.maxSize } : undefined);
  const guide = spec.guide ? (await decodePhoto(spec.guide, { maxSide: Math.max(image.width, image.height) })).image : undefined;
  const plan = dreamPlan(model, image, spec);
  const frames = new FrameStore(await mkdtemp(join(tmpdir(), 'convscope-frames-')));
  const files: string[] = [];
  let last: RgbImage = image;
  const generator = dream(model, image, spec, { signal: context.signal, guide });
  let notes: string[] = [];
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
        await writeFileAtomic(file, await encodePng(frame.image), { overwrite: params.overwrite, inputs: [spec.path] });
        files.push(file);
      }
      const preview = params.previews ? await previewDataUrl(frame.image) : '';
      const { index, octave, step, objective } = frame;
      context.emit({ type: 'dream-frame', jobId: context.jobId, index, octave, step, objective, width: frame.image.width, height: frame.image.height, image: preview, file });
      context.progress(frame.index + 1, plan.totalSteps, `octave ${frame.octave + 1}, step ${frame.step + 1}`);
    }
  } catch (error) {
    await frames.dispose();
    throw error;
  }
  if (params.framesDir) {
    const final = join(params.framesDir, 'final.png');
    await writeFileAtomic(final, await encodePng(last), { overwrite: params.overwrite, inputs: [spec.path] });
    files.push(final);
  }
  remember(context.jobId, { spec, photoPath: spec.path, frames, width: last.width, height: last.height });
  return { frames: frames.count, width: last.width, height: last.height, spec, notes, files };
}

function remember(jobId: string, entry: FinishedDream): void {
  finished.set(jobId, entry);
  for (const [oldId, old] of finished) {
    if (finished.size <= KEPT_DREAMS) break;
    finished.delete(oldId);
    void old.frames.dispose();
  }
}

async function previewDataUrl(image: RgbImage): Promise<string> {
  const longest = Math.max(image.width, image.height);
  const scaled = longest > PREVIEW_MAX_SIDE
    ? await resizeRgb(image, Math.round((image.width * PREVIEW_MAX_SIDE) / longest), Math.round((image.height * PREVIEW_MAX_SIDE) / longest))
    : image;
  return `data:image/jpeg;base64,${(await encodeJpeg(scaled)).toString('base64')}`;
}

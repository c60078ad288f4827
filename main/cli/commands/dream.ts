// `convscope dream <image> --out <dir>`: one PNG per iteration, final.png, parameters.json.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dreamSpec, type ExportResult, type HostEvent } from '../../../preload/contract';
import { writeFileAtomic } from '../../export/atomic';
import { sidecarJson } from '../../export/sidecar';
import { CliSession } from '../session';

export interface DreamOptions {
  out: string;
  model: string;
  layers?: { name: string; weight: number }[];
  channel?: { layer: string; index: number };
  objective: 'mean' | 'mean-square';
  octaves: number;
  octaveScale: number;
  steps: number;
  stepSize: number;
  tile: number;
  maxSize: number;
  seed: number;
  guide?: string;
  animate?: 'webp' | 'gif';
  json?: boolean;
  overwrite?: boolean;
}

export async function dreamCommand(image: string, options: DreamOptions): Promise<void> {
  const outDir = resolve(options.out);
  const spec = dreamSpec.parse({
    path: resolve(image),
    model: options.model,
    layers: options.layers,
    objective: options.objective,
    channel: options.channel,
    octaves: options.octaves,
    octaveScale: options.octaveScale,
    steps: options.steps,
    stepSize: options.stepSize,
    tile: options.tile,
    maxSize: options.maxSize,
    seed: options.seed,
    guide: options.guide ? resolve(options.guide) : undefined,
  });
  await mkdir(outDir, { recursive: true });
  const session = new CliSession();
  try {
    const onEvent = (event: HostEvent): void => {
      if (event.type === 'dream-frame' && options.json) {
        process.stdout.write(`${JSON.stringify({ octave: event.octave, step: event.step, objective: event.objective, frame: event.file })}\n`);
      }
      if (event.type === 'progress' && !options.json && process.stderr.isTTY) {
        process.stderr.write(`\r${event.message} (${event.done}/${event.total})   `);
      }
    };
    const result = await session.run<{ frames: number; width: number; height: number; notes: string[]; files: string[] }>(
      'dream',
      { spec, framesDir: outDir, previews: false, overwrite: Boolean(options.overwrite) },
      onEvent,
    );
    if (!options.json && process.stderr.isTTY) process.stderr.write('\n');
    await writeFileAtomic(join(outDir, 'parameters.json'), sidecarJson({ kind: 'deep-dream', parameters: spec, frames: result.frames, width: result.width, height: result.height, notes: result.notes }), { overwrite: Boolean(options.overwrite) });
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
    if (options.animate) {
      const animation = await session.run<ExportResult>('exportDream', { dreamJobId: session.lastJobId, outDir, what: options.animate, overwrite: Boolean(options.overwrite) });
      if (!options.json) process.stdout.write(`${animation.files[0]}\n`);
    }
    if (!options.json) process.stdout.write(`${result.frames} frames (${result.width}×${result.height}) and final.png in ${outDir}\n`);
  } finally {
    session.close();
  }
}

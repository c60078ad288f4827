// `convscope dream <image> --out <dir>`: one PNG per iteration, final.png, parameters.json.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { dreamSpec, type HostEvent } from '../../../preload/contract';
import { FRAME_FILE, planOutputs, recordOutputs } from '../../export/ownership';
import { UsageError } from '../errors';
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
  /** parameters.json of an earlier dream: dream again like this (flags given on the line win). */
  params?: string;
}

const SPEC_OPTIONS = ['model', 'layers', 'objective', 'channel', 'octaves', 'octaveScale', 'steps', 'stepSize', 'tile', 'maxSize', 'seed', 'guide'] as const;

/** The earlier dream's parameters, overridden by every flag the user typed on this command line. */
async function startingParameters(options: DreamOptions, command: Command | undefined): Promise<Record<string, unknown>> {
  const typed = (key: string): boolean => !options.params || command?.getOptionValueSource(key) === 'cli';
  let saved: Record<string, unknown> = {};
  if (options.params) {
    const file = resolve(options.params);
    const text = await readFile(file, 'utf8').catch(() => {
      throw new UsageError(`${file}: cannot read the parameters file`);
    });
    try {
      const parsed = JSON.parse(text) as { parameters?: Record<string, unknown> };
      saved = parsed.parameters ?? (parsed as Record<string, unknown>);
    } catch {
      throw new UsageError(`${file}: not a JSON parameters file (use the parameters.json a dream wrote)`);
    }
  }
  const chosen: Record<string, unknown> = { ...saved };
  for (const key of SPEC_OPTIONS) if (typed(key) && options[key] !== undefined) chosen[key] = options[key];
  if (typeof chosen.guide === 'string') chosen.guide = resolve(chosen.guide);
  return chosen;
}

export async function dreamCommand(image: string, options: DreamOptions, command?: Command): Promise<void> {
  const outDir = resolve(options.out);
  const existing = await stat(outDir).catch(() => null);
  if (existing && !existing.isDirectory()) throw new UsageError(`${outDir}: is a file, not a folder (--out names the folder the frames go into)`);
  const parsed = dreamSpec.safeParse({ ...(await startingParameters(options, command)), path: resolve(image) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${options.params ?? 'dream'}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const spec = parsed.data;
  // The shared export rule, before the dream runs: parameters.json is the record that makes the
  // frames already in the folder Convscope's; a folder of someone else's files is never written over.
  const record = join(outDir, 'parameters.json');
  const earlier = await readdir(outDir).catch(() => [] as string[]);
  const frames = earlier.filter((name) => FRAME_FILE.test(name) || name === 'final.png').map((name) => join(outDir, name));
  await planOutputs(await recordOutputs(record, frames), { overwrite: Boolean(options.overwrite), inputs: [spec.path] });
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
    const result = await session.run('dream', { spec, framesDir: outDir, previews: false, overwrite: Boolean(options.overwrite) }, onEvent);
    if (!options.json && process.stderr.isTTY) process.stderr.write('\n');
    // An earlier, longer dream's frames (ours: --overwrite was given) would otherwise pass for this one's.
    const stale = frames.filter((file) => !result.files.includes(file));
    await Promise.all(stale.map((file) => rm(file, { force: true })));
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
    if (options.animate) {
      const animation = await session.run('exportDream', { dreamJobId: session.lastJobId, outDir, what: options.animate, overwrite: Boolean(options.overwrite) });
      if (!options.json) process.stdout.write(`${animation.files[0]}\n`);
    }
    if (!options.json) process.stdout.write(`${result.frames} frames and final.png (${result.width}×${result.height}) in ${outDir}\n`);
  } finally {
    session.close();
  }
}

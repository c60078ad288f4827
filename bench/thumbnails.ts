// Thumbnail benchmark: a 1,000-photo folder (hard links, or copies, of the everyday photos, so every
// file has its own path and cache key), time to the first screen of 40 thumbnails from a cold cache,
// and cold throughput over 200 files against Debian's vipsthumbnail with the same parallelism
// (2 renders at once for us, 2 vipsthumbnail processes; each with its libvips' default threads: one
// per render for sharp on glibc, one per core for vipsthumbnail). Wall-clock rates depend on whatever
// else the machine runs, so the CPU time per thumbnail is reported beside them (Linux: children's
// times from /proc), a ratio that load hardly moves.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasImageExtension } from '../main/image/limits';
import { listFolder } from '../main/library/scan';
import { ThumbnailCache } from '../main/library/thumbnails';
import { photo } from '../main/testing/paths';

const PHOTO_COUNT = 1000;
const FIRST_SCREEN = 40;
const THROUGHPUT_FILES = 200;
const SIZE = 160;
const PARALLELISM = 2;
const ROUNDS = 2;

async function makeLibrary(folder: string): Promise<void> {
  const sources = (await readdir(photo('everyday'))).filter(hasImageExtension).sort();
  // Copy the originals once into the temp folder, then hard-link: cheap, and works across devices.
  const originals = join(folder, '.originals');
  await mkdir(originals, { recursive: true });
  await Promise.all(sources.map((name) => copyFile(photo('everyday', name), join(originals, name))));
  for (let i = 0; i < PHOTO_COUNT; i++) {
    const name = sources[i % sources.length];
    const album = join(folder, `album-${String(i % 10).padStart(2, '0')}`);
    if (i < 10) await mkdir(album, { recursive: true });
    const target = join(album, `${String(i).padStart(4, '0')}-${name}`);
    await link(join(originals, name), target).catch(() => copyFile(join(originals, name), target));
  }
}

/** CPU milliseconds of this process, all threads. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU milliseconds of this process's finished children (Linux), or NaN. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in USER_HZ (100)
  } catch {
    return Number.NaN;
  }
}

function vipsthumbnailAvailable(): boolean {
  return spawnSync('vipsthumbnail', ['--version'], { stdio: 'ignore' }).status === 0;
}

function runVipsthumbnail(files: string[], outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('vipsthumbnail', ['-s', String(SIZE), '-o', join(outDir, '%s.jpg[Q=80]'), ...files], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vipsthumbnail exited ${code}: ${stderr.slice(0, 300)}`))));
  });
}

/** Thumbnails per second for `files` split over PARALLELISM vipsthumbnail processes. */
async function timeVipsthumbnail(files: string[], outRoot: string): Promise<number> {
  const parts = Array.from({ length: PARALLELISM }, (_, p) => files.filter((_, i) => i % PARALLELISM === p));
  const outDirs = parts.map((_, p) => join(outRoot, String(p)));
  await Promise.all(outDirs.map((dir) => mkdir(dir, { recursive: true })));
  const started = performance.now();
  await Promise.all(parts.map((part, p) => runVipsthumbnail(part, outDirs[p])));
  const perS = files.length / ((performance.now() - started) / 1000);
  const written = (await Promise.all(outDirs.map((dir) => readdir(dir)))).flat().length;
  if (written === 0) throw new Error('vipsthumbnail wrote no thumbnails');
  return perS;
}

export async function thumbnailBench(): Promise<Record<string, number | string>> {
  const work = await mkdtemp(join(tmpdir(), 'convscope-bench-thumbs-'));
  try {
    const folder = join(work, 'photos');
    await makeLibrary(folder);

    let started = performance.now();
    const listing = await listFolder(folder);
    const listMs = performance.now() - started;
    if (listing.photos.length !== PHOTO_COUNT) throw new Error(`expected ${PHOTO_COUNT} photos, listed ${listing.photos.length}`);
    const files = listing.photos.map((entry) => entry.path);

    const screenCache = new ThumbnailCache(join(work, 'cache-screen'), PARALLELISM);
    started = performance.now();
    await Promise.all(files.slice(0, FIRST_SCREEN).map((file) => screenCache.get(file, SIZE)));
    const firstScreenMs = performance.now() - started;

    // Two rounds, ours and vipsthumbnail interleaved on the same fresh files, best of each: the
    // machine may be busy with other work, which hurts whichever runs at the wrong moment.
    const vips = vipsthumbnailAvailable();
    let thumbsPerS = 0;
    let cachedPerS = 0;
    let vipsPerS = 0;
    let cpuMs = Infinity;
    let vipsCpuMs = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      const from = FIRST_SCREEN + round * THROUGHPUT_FILES;
      const batch = files.slice(from, from + THROUGHPUT_FILES);
      const cache = new ThumbnailCache(join(work, `cache-${round}`), PARALLELISM);
      started = performance.now();
      const cpuStarted = ownCpuMs();
      await Promise.all(batch.map((file) => cache.get(file, SIZE)));
      thumbsPerS = Math.max(thumbsPerS, batch.length / ((performance.now() - started) / 1000));
      cpuMs = Math.min(cpuMs, (ownCpuMs() - cpuStarted) / batch.length);
      started = performance.now();
      await Promise.all(batch.map((file) => cache.get(file, SIZE)));
      cachedPerS = Math.max(cachedPerS, batch.length / ((performance.now() - started) / 1000));
      if (vips) {
        const childrenStarted = childrenCpuMs();
        vipsPerS = Math.max(vipsPerS, await timeVipsthumbnail(batch, join(work, `vips-${round}`)));
        vipsCpuMs = Math.min(vipsCpuMs, (childrenCpuMs() - childrenStarted) / batch.length);
      }
    }

    const result: Record<string, number | string> = {
      thumbs_photos: PHOTO_COUNT,
      thumbs_list_ms: Math.round(listMs),
      thumbs_first_screen_ms: Math.round(firstScreenMs),
      thumbs_per_s: Number(thumbsPerS.toFixed(1)),
      thumbs_cached_per_s: Number(cachedPerS.toFixed(0)),
      vipsthumbnail_per_s: vips ? Number(vipsPerS.toFixed(1)) : 'vipsthumbnail not installed',
      thumbs_vs_vips_ratio: vips ? Number((thumbsPerS / vipsPerS).toFixed(2)) : 'vipsthumbnail not installed',
      thumbs_cpu_ms: Number(cpuMs.toFixed(1)),
      // vipsthumbnail's CPU time per thumbnail over ours: above 1 when ours costs less.
      thumbs_vs_vips_cpu_ratio: vips && Number.isFinite(vipsCpuMs) ? Number((vipsCpuMs / cpuMs).toFixed(2)) : 'not measured',
    };
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

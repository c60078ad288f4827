// Telling exports from photos in big folders: sidecars are read a few at a time and only when small,
// and a sidecar that cannot be read makes its file "skipped, with why", never a photo.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MAX_RECORD_BYTES, sidecarJson } from '../export/sidecar';
import { REPO } from '../testing/paths';
import { listFolder } from './scan';

/** Files whose open() fails with EMFILE, as when the process is out of file descriptors. */
const failing = new Set<string>();
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  const open: typeof actual.open = (path, ...rest) => {
    if (failing.has(String(path))) return Promise.reject(Object.assign(new Error(`EMFILE: too many open files, open '${String(path)}'`), { code: 'EMFILE' }));
    return actual.open(path, ...rest);
  };
  return { ...actual, open, default: { ...actual, open } };
});

const base = realpathSync(mkdtempSync(join(tmpdir(), 'convscope-walk-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** `count` overlays with their Convscope sidecars, plus two photos of the user. */
function exportsFolder(name: string, count: number): string {
  const folder = join(base, name);
  mkdirSync(folder);
  for (let i = 0; i < count; i++) {
    writeFileSync(join(folder, `p${i}-gradcam.png`), 'png');
    writeFileSync(join(folder, `p${i}-gradcam.json`), sidecarJson({ photo: join(base, 'photos', `p${i}.jpg`), method: 'gradcam' }));
  }
  writeFileSync(join(folder, 'holiday.jpg'), 'jpg');
  writeFileSync(join(folder, 'cat.png'), 'png');
  return folder;
}

describe('folder listing among exports', () => {
  it('lists 3,000 overlays and sidecars under a 256-descriptor limit without taking one overlay for a photo', () => {
    const folder = exportsFolder('many', 1500);
    // Another process, so the limit is its own: the listing as the CLI and the studio run it.
    const script = `import { listFolder } from ${JSON.stringify(join(REPO, 'main/library/scan.ts'))};
const listing = await listFolder(${JSON.stringify(folder)});
process.stdout.write(JSON.stringify({ photos: listing.photos.map((photo) => photo.name), skipped: listing.skipped.length }));`;
    const result = spawnSync('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" --import tsx --input-type=module -e "$SCRIPT"`], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, SCRIPT: script },
      timeout: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ photos: ['cat.png', 'holiday.jpg'], skipped: 0 });
  });

  it('reports a file whose sidecar cannot be read as skipped, with why, instead of listing it as a photo', async () => {
    const folder = exportsFolder('unreadable', 3);
    failing.add(join(folder, 'p1-gradcam.json'));
    try {
      const listing = await listFolder(folder);
      expect(listing.photos.map((photo) => photo.name)).toEqual(['cat.png', 'holiday.jpg']);
      expect(listing.skipped).toEqual([
        { path: join(folder, 'p1-gradcam.png'), reason: `cannot tell whether Convscope wrote it: ${join(folder, 'p1-gradcam.json')} could not be read (EMFILE)` },
      ]);
    } finally {
      failing.clear();
    }
  });

  it('does not read a JSON file bigger than a sidecar: the image beside it is the user’s', async () => {
    const folder = join(base, 'big');
    mkdirSync(folder);
    writeFileSync(join(folder, 'scan.png'), 'png');
    writeFileSync(join(folder, 'scan.json'), sidecarJson({ method: 'gradcam', padding: 'x'.repeat(MAX_RECORD_BYTES) }));
    writeFileSync(join(folder, 'small.png'), 'png');
    writeFileSync(join(folder, 'small.json'), sidecarJson({ method: 'gradcam' }));
    expect((await listFolder(folder)).photos.map((photo) => photo.name)).toEqual(['scan.png']);
  });
});

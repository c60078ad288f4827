import { realpathSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHOTOS, photo } from '../testing/paths';
import { sidecarJson } from '../export/sidecar';
import { CONVSCOPE_EXPORT_NOTE, listFolder, scanFolder } from './scan';
import { FolderError } from './walk';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-scan-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('listFolder', () => {
  it('lists the awkward folder: nested, upper-case extensions, non-ASCII; no hidden or non-image files', async () => {
    const listing = await listFolder(photo('awkward'));
    const rel = listing.photos.map((p) => p.relPath);
    expect(listing.root).toBe(realpathSync(photo('awkward')));
    expect(rel).toContain(['nested', 'deeper', 'small-rocket.jpg'].join(sep));
    expect(rel).toContain('UPPERCASE-EXT.JPEG');
    expect(rel).toContain('café crème – été.jpg');
    expect(rel).toContain('multipage_rgb.tif');
    expect(rel).not.toContain('.hidden-file.jpg');
    expect(rel).not.toContain('notes.txt');
    expect(rel).toHaveLength(19); // the 21 files under awkward/ minus notes.txt and the hidden one
    const sorted = [...listing.photos].sort((a, b) => (a.relPath.toLowerCase() < b.relPath.toLowerCase() ? -1 : 1));
    expect(rel).toEqual(sorted.map((p) => p.relPath));
    const truncated = listing.photos.find((p) => p.name === 'truncated.jpg')!;
    expect(truncated).toMatchObject({ path: photo('awkward/truncated.jpg'), bytes: 400 });
    expect(truncated.mtimeMs).toBeGreaterThan(0);
    expect(listing.skipped).toEqual([]);
  });

  it('skips hidden folders, does not follow symlinks, sorts numerically', async () => {
    const root = join(tmp, 'library');
    await mkdir(join(root, '.thumbs'), { recursive: true });
    await mkdir(join(root, 'album'), { recursive: true });
    await writeFile(join(root, '.thumbs', 'x.jpg'), 'x');
    await link(photo('everyday/rocket.jpg'), join(root, 'album', 'IMG_10.jpg')).catch(() => writeFile(join(root, 'album', 'IMG_10.jpg'), 'x'));
    await writeFile(join(root, 'album', 'IMG_2.jpg'), 'x');
    await symlink(PHOTOS, join(root, 'outside'));
    await symlink(photo('everyday/chelsea.png'), join(root, 'linked.png'));
    const listing = await listFolder(root);
    expect(listing.photos.map((p) => p.relPath)).toEqual([join('album', 'IMG_2.jpg'), join('album', 'IMG_10.jpg')]);
    expect(listing.skipped).toEqual([{ path: join(listing.root, 'linked.png'), reason: 'symbolic link (not followed)' }]);
  });

  it('lists thousands of files quickly', async () => {
    const root = join(tmp, 'many');
    for (let d = 0; d < 20; d++) {
      await mkdir(join(root, `d${d}`), { recursive: true });
      await Promise.all(Array.from({ length: 150 }, (_, i) => writeFile(join(root, `d${d}`, `p${i}.JPG`), '')));
    }
    const started = performance.now();
    const listing = await listFolder(root);
    const ms = performance.now() - started;
    expect(listing.photos).toHaveLength(3000);
    expect(ms).toBeLessThan(2000);
  });

  it('rejects a missing folder with a FolderError that says so, and a file as not a folder', async () => {
    await expect(listFolder(join(tmp, 'nope'))).rejects.toBeInstanceOf(FolderError);
    await expect(listFolder(join(tmp, 'nope'))).rejects.toThrow(`${join(tmp, 'nope')}: does not exist`);
    await expect(listFolder(photo('everyday/chelsea.png'))).rejects.toThrow(/: not a folder$/);
    await expect(listFolder(join(photo('everyday/chelsea.png'), 'below'))).rejects.toThrow(/: not a folder$/);
  });

  it('leaves out what Convscope wrote (sidecar or dream parameters.json beside it), never the user\'s photos', async () => {
    const root = await convscopeFolder();
    const listing = await listFolder(root);
    expect(listing.photos.map((p) => p.relPath).sort()).toEqual([
      'a.jpg',
      'chelsea.png',
      join('dream-foreign', 'frame-0001.png'),
      join('dream', 'mine.jpg'),
      join('exports', 'chelsea-gradcam-no-sidecar.png'),
      'rocket.jpg',
      'rocket.png',
    ].sort());
  });
});

/** Photos beside files Convscope wrote, and look-alikes it did not write. */
let folders = 0;
async function convscopeFolder(): Promise<string> {
  const root = join(tmp, `with-exports-${folders++}`);
  await mkdir(join(root, 'exports'), { recursive: true });
  await mkdir(join(root, 'dream'));
  await mkdir(join(root, 'dream-foreign'));
  const png = photo('everyday/chelsea.png');
  const jpg = photo('everyday/rocket.jpg');
  await copyFile(png, join(root, 'chelsea.png'));
  await copyFile(jpg, join(root, 'rocket.jpg'));
  // An overlay with its sidecar (the default export folder inside the photo folder).
  await copyFile(png, join(root, 'exports', 'chelsea-gradcam.png'));
  await writeFile(join(root, 'exports', 'chelsea-gradcam.json'), sidecarJson({ photo: join(root, 'chelsea.png'), method: 'gradcam' }));
  // An overlay whose sidecar is gone is no longer provably ours: shown.
  await copyFile(png, join(root, 'exports', 'chelsea-gradcam-no-sidecar.png'));
  // A photo with someone else's JSON beside it.
  await copyFile(png, join(root, 'rocket.png'));
  await writeFile(join(root, 'rocket.json'), JSON.stringify({ app: 'lightroom' }));
  // A photo a.jpg beside its export a.png + a.json: the sidecar names a.jpg as its photo.
  await copyFile(jpg, join(root, 'a.jpg'));
  await copyFile(png, join(root, 'a.png'));
  await writeFile(join(root, 'a.json'), sidecarJson({ photo: join(root, 'a.jpg'), method: 'gradcam' }));
  // A dream's frames and final image beside its parameters.json; a photo the user put there too.
  await writeFile(join(root, 'dream', 'parameters.json'), sidecarJson({ kind: 'deep-dream', frames: 2 }));
  await copyFile(png, join(root, 'dream', 'frame-0001.png'));
  await copyFile(png, join(root, 'dream', 'final.png'));
  await copyFile(jpg, join(root, 'dream', 'mine.jpg'));
  // Frames beside a parameters.json Convscope did not write.
  await writeFile(join(root, 'dream-foreign', 'parameters.json'), '{"frames": 1}');
  await copyFile(png, join(root, 'dream-foreign', 'frame-0001.png'));
  return root;
}

describe('scanFolder', () => {
  it('still accounts for every file, and notes what Convscope wrote', async () => {
    const root = await convscopeFolder();
    const entries = await scanFolder(root);
    const notes = new Map(entries.map((e) => [relative(root, e.path), e.notes]));
    expect(entries).toHaveLength(16);
    const ours = [...notes].filter(([, list]) => list.includes(CONVSCOPE_EXPORT_NOTE)).map(([path]) => path).sort();
    expect(ours).toEqual(
      [
        'a.json',
        'a.png',
        join('dream', 'final.png'),
        join('dream', 'frame-0001.png'),
        join('dream', 'parameters.json'),
        join('exports', 'chelsea-gradcam.json'),
        join('exports', 'chelsea-gradcam.png'),
      ].sort(),
    );
    expect(entries.find((e) => e.name === 'chelsea-gradcam.png')).toMatchObject({ status: 'ok', width: 451, height: 300 });
  });

  it('reports every file of awkward/ (the hidden one with a note) with a truthful status, in order, with progress', async () => {
    const progress: number[] = [];
    const entries = await scanFolder(photo('awkward'), { onProgress: (done, total) => progress.push(done / total) });
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(entries).toHaveLength(21);
    expect(byName.get('.hidden-file.jpg')).toMatchObject({ status: 'ok', width: 640, height: 427, notes: ['hidden file: the library does not show it'] });
    expect(byName.get('notes.txt')).toMatchObject({ status: 'error', code: 'not-an-image', reason: 'not an image file type (.txt)' });
    expect(byName.get('truncated.jpg')).toMatchObject({ status: 'error', code: 'truncated' });
    expect(byName.get('zero-bytes.jpg')).toMatchObject({ status: 'error', code: 'empty-file' });
    expect(byName.get('not-an-image.jpg')).toMatchObject({ status: 'error', code: 'not-an-image' });
    expect(byName.get('exif-orientation-6.jpg')).toMatchObject({ status: 'ok', width: 451, height: 300 });
    expect(byName.get('small-rocket.jpg')).toMatchObject({ status: 'ok', width: 400, height: 267 });
    expect(entries.filter((e) => e.status === 'error').map((e) => e.name).sort()).toEqual(
      ['not-an-image.jpg', 'notes.txt', 'truncated.jpg', 'zero-bytes.jpg'].sort(),
    );
    expect(progress).toHaveLength(21);
    expect(progress.at(-1)).toBe(1);
  });
});

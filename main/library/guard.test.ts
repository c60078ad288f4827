import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderGuard, innermostRoot, isInside } from './guard';

let base: string;
let photos: string;
let evil: string;
let guard: FolderGuard;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'convscope-guard-')));
  photos = join(base, 'photos');
  evil = join(base, 'photos-evil');
  await mkdir(join(photos, 'album'), { recursive: true });
  await mkdir(join(photos, '.private'), { recursive: true });
  await mkdir(evil, { recursive: true });
  await writeFile(join(photos, 'cat.jpg'), 'x');
  await writeFile(join(photos, 'album', 'dog.png'), 'x');
  await writeFile(join(photos, 'album', 'notes.txt'), 'x');
  await writeFile(join(photos, '.private', 'key.jpg'), 'x');
  await writeFile(join(evil, 'secret.jpg'), 'x');
  await writeFile(join(base, 'outside.jpg'), 'x');
  await symlink(join(base, 'outside.jpg'), join(photos, 'link-out.jpg'));
  await symlink(evil, join(photos, 'dir-out'));
  await symlink(join(photos, 'cat.jpg'), join(photos, 'album', 'link-in.jpg'));
  guard = new FolderGuard();
  expect(await guard.allow(photos)).toBe(photos);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('FolderGuard', () => {
  it('serves image files inside an opened folder', async () => {
    expect(await guard.resolve(join(photos, 'cat.jpg'))).toBe(join(photos, 'cat.jpg'));
    expect(await guard.resolve(join(photos, 'album', 'dog.png'))).toBe(join(photos, 'album', 'dog.png'));
  });

  it('follows a symlink that stays inside, returning the real path', async () => {
    expect(await guard.resolve(join(photos, 'album', 'link-in.jpg'))).toBe(join(photos, 'cat.jpg'));
  });

  it('rejects the prefix sibling /photos-evil', async () => {
    expect(await guard.resolve(join(evil, 'secret.jpg'))).toBeNull();
    expect(isInside(photos, evil)).toBe(false);
    expect(join(evil, 'secret.jpg').startsWith(photos)).toBe(true); // why startsWith is not enough
  });

  it('rejects .. in any form', async () => {
    expect(await guard.resolve(`${photos}/../outside.jpg`)).toBeNull();
    expect(await guard.resolve(`${photos}/album/../cat.jpg`)).toBeNull();
    expect(await guard.resolve(`${photos}/../photos-evil/secret.jpg`)).toBeNull();
  });

  it('rejects symlinks pointing out (file and folder)', async () => {
    expect(await guard.resolve(join(photos, 'link-out.jpg'))).toBeNull();
    expect(await guard.resolve(join(photos, 'dir-out', 'secret.jpg'))).toBeNull();
  });

  it('rejects missing, relative, folders, non-images, hidden and NUL paths', async () => {
    expect(await guard.resolve(join(photos, 'missing.jpg'))).toBeNull();
    expect(await guard.resolve('photos/cat.jpg')).toBeNull();
    expect(await guard.resolve(join(photos, 'album'))).toBeNull();
    expect(await guard.resolve(join(photos, 'album', 'notes.txt'))).toBeNull();
    expect(await guard.resolve(join(photos, '.private', 'key.jpg'))).toBeNull();
    expect(await guard.resolve(`${join(photos, 'cat.jpg')}\0.png`)).toBeNull();
    expect(await guard.resolve('')).toBeNull();
  });

  it('serves nothing before a folder is allowed, and lists allowed roots once', async () => {
    const fresh = new FolderGuard();
    expect(await fresh.resolve(join(photos, 'cat.jpg'))).toBeNull();
    await fresh.allow(photos);
    await fresh.allow(`${photos}/`);
    expect(fresh.roots()).toEqual([photos]);
    await expect(fresh.allow(join(base, 'nope'))).rejects.toThrow();
    await expect(fresh.allow(join(photos, 'cat.jpg'))).rejects.toThrow(/not a folder/);
  });

  it('isInside: the folder itself, children, and names starting with two dots', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b/..c')).toBe(true);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
  });

  it('rootOf: the innermost opened folder when opened folders nest, whatever the opening order', async () => {
    const nested = new FolderGuard();
    await nested.allow(base);
    await nested.allow(join(photos, 'album'));
    await nested.allow(photos);
    expect(nested.rootOf(join(photos, 'album', 'dog.png'))).toBe(join(photos, 'album'));
    expect(nested.rootOf(join(photos, 'cat.jpg'))).toBe(photos);
    expect(nested.rootOf(join(base, 'outside.jpg'))).toBe(base);
    expect(nested.rootOf(join(evil, 'secret.jpg'))).toBe(base);
    expect(innermostRoot([photos], join(evil, 'secret.jpg'))).toBeNull();
  });

  it('close: by a symlink, a trailing separator or the real path; false once closed', async () => {
    const closing = new FolderGuard();
    await symlink(photos, join(base, 'photos-link'));
    await closing.allow(photos);
    expect(await closing.close(join(base, 'photos-link'))).toBe(photos);
    expect(closing.roots()).toEqual([]);
    await closing.allow(join(base, 'photos-link'));
    expect(await closing.close(`${photos}/`)).toBe(photos);
    expect(await closing.close(photos)).toBeNull();
    expect(await closing.resolve(join(photos, 'cat.jpg'))).toBeNull();
  });
});

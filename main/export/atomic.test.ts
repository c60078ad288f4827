import { chmod, link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExistsError, writeFileAtomic } from './atomic';
import { InputOverwriteError, isSamePath } from './same-path';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-atomic-'));
});
afterAll(async () => {
  await chmod(join(tmp, 'locked'), 0o755).catch(() => undefined);
  await rm(tmp, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file and leaves nothing else behind', async () => {
    const dir = join(tmp, 'a');
    await mkdir(dir);
    await writeFileAtomic(join(dir, 'out.png'), Buffer.from([1, 2, 3]));
    expect(await readFile(join(dir, 'out.png'))).toEqual(Buffer.from([1, 2, 3]));
    expect(await readdir(dir)).toEqual(['out.png']);
  });

  it('never overwrites without overwrite: throws ExistsError with the path, old content kept', async () => {
    const dir = join(tmp, 'b');
    await mkdir(dir);
    const target = join(dir, 'out.json');
    await writeFile(target, 'old');
    const error = await writeFileAtomic(target, 'new').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExistsError);
    expect((error as ExistsError).path).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['out.json']);
    await writeFileAtomic(target, 'new', { overwrite: true });
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('of many concurrent writers without overwrite exactly one wins', async () => {
    const dir = join(tmp, 'race');
    await mkdir(dir);
    const target = join(dir, 'once.txt');
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writeFileAtomic(target, `writer ${i}`)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ExistsError);
    expect(await readFile(target, 'utf8')).toMatch(/^writer \d$/);
    expect(await readdir(dir)).toEqual(['once.txt']);
  });

  it('leaves no temp file when writing fails', async () => {
    // A target that is a folder: rename/link fails after the temp file was written.
    const dir = join(tmp, 'c');
    await mkdir(join(dir, 'taken'), { recursive: true });
    await expect(writeFileAtomic(join(dir, 'taken'), 'x', { overwrite: true })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
    // A folder we may not write into.
    if (process.getuid?.() !== 0) {
      const locked = join(tmp, 'locked');
      await mkdir(locked);
      await chmod(locked, 0o555);
      await expect(writeFileAtomic(join(locked, 'x.png'), 'x')).rejects.toThrow();
      expect(await readdir(locked)).toEqual([]);
    }
    await expect(writeFileAtomic(join(tmp, 'no-such-dir', 'x.png'), 'x')).rejects.toThrow(/ENOENT/);
  });

  it('refuses to write onto an input photo, even with overwrite, via any alias', async () => {
    const dir = join(tmp, 'd');
    await mkdir(dir);
    const original = join(dir, 'cat.jpg');
    await writeFile(original, 'photo');
    await symlink(original, join(dir, 'alias.jpg'));
    await link(original, join(dir, 'hard.jpg'));
    for (const target of [original, join(dir, 'alias.jpg'), join(dir, 'hard.jpg'), join(dir, '.', 'cat.jpg')]) {
      const error = await writeFileAtomic(target, 'overlay', { overwrite: true, inputs: [original] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputOverwriteError);
    }
    expect(await readFile(original, 'utf8')).toBe('photo');
    await writeFileAtomic(join(dir, 'cat-gradcam.png'), 'overlay', { inputs: [original] });
    expect(await readFile(join(dir, 'cat-gradcam.png'), 'utf8')).toBe('overlay');
  });
});

describe('isSamePath', () => {
  it('compares existing files by identity and new ones by resolved path', async () => {
    const a = join(tmp, 'same-a.txt');
    await writeFile(a, 'x');
    expect(await isSamePath(a, join(tmp, '.', 'same-a.txt'))).toBe(true);
    expect(await isSamePath(a, join(tmp, 'other.txt'))).toBe(false);
    expect(await isSamePath(join(tmp, 'new.txt'), join(tmp, 'sub', '..', 'new.txt'))).toBe(true);
  });
});

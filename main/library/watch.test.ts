import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchFolder } from './watch';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-watch-'));
  await mkdir(join(tmp, 'a', 'b'), { recursive: true });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchFolder', () => {
  it('reports a burst of changes in nested folders once, and nothing after stopping', async () => {
    let calls = 0;
    const stop = watchFolder(tmp, () => (calls += 1), 150);
    await sleep(100);
    for (let i = 0; i < 5; i++) await writeFile(join(tmp, 'a', 'b', `p${i}.jpg`), 'x');
    await sleep(600);
    expect(calls).toBe(1);
    await mkdir(join(tmp, 'a', 'new'));
    await sleep(600);
    expect(calls).toBe(2);
    // A folder created after watching started is watched too.
    await writeFile(join(tmp, 'a', 'new', 'later.jpg'), 'x');
    await sleep(600);
    expect(calls).toBe(3);
    stop();
    const before = calls;
    await writeFile(join(tmp, 'after.jpg'), 'x');
    await sleep(400);
    expect(calls).toBe(before);
  });

  it('returns a harmless stop function for a missing folder', () => {
    const stop = watchFolder(join(tmp, 'missing'), () => undefined);
    expect(() => stop()).not.toThrow();
  });
});

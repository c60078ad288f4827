import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbImage } from '../image/types';
import { FrameStore } from './frame-store';
import { loadPhoto } from './testing/photos';

function noisyFrame(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return { data, width, height };
}

const stores: FrameStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.dispose()));
});

describe('FrameStore', () => {
  it('keeps the newest frames in memory, spills the rest to disk and returns identical frames', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'frame-store-test-'));
    const store = new FrameStore({ maxInMemory: 3, dir: parent });
    stores.push(store);
    const photo = await loadPhoto('everyday/chelsea.png', 120);
    const frames = [photo, ...Array.from({ length: 9 }, (_, i) => noisyFrame(50 + i, 30 + 2 * i, i))];
    for (const [i, frame] of frames.entries()) expect(await store.add(frame)).toBe(i);
    expect(store.count).toBe(10);
    const folder = (await store.cacheDir())!;
    expect(folder.startsWith(parent)).toBe(true);
    expect(readdirSync(folder)).toHaveLength(7);
    for (const [i, frame] of frames.entries()) {
      const back = await store.get(i);
      expect([back.width, back.height]).toEqual([frame.width, frame.height]);
      expect(Buffer.from(back.data).equals(Buffer.from(frame.data))).toBe(true);
    }
    const streamed: RgbImage[] = [];
    for await (const frame of store.frames()) streamed.push(frame);
    expect(streamed).toHaveLength(10);
    await expect(store.get(10)).rejects.toThrow(/frame 10 does not exist \(10 frames\)/);
    await store.dispose();
    expect(existsSync(folder)).toBe(false);
    await rm(parent, { recursive: true, force: true });
  });

  it('never touches the disk while everything fits', async () => {
    const store = new FrameStore({ maxInMemory: 4 });
    stores.push(store);
    for (let i = 0; i < 4; i++) await store.add(noisyFrame(8, 8, i));
    expect(await store.cacheDir()).toBeUndefined();
  });

  it('accepts a dedicated cache folder and deletes it on dispose', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'frame-store-own-'));
    const store = new FrameStore(folder);
    for (let i = 0; i < 12; i++) await store.add(noisyFrame(16, 16, i));
    expect(readdirSync(folder).length).toBe(4);
    expect(Buffer.from((await store.get(0)).data).equals(Buffer.from(noisyFrame(16, 16, 0).data))).toBe(true);
    await store.dispose();
    expect(existsSync(folder)).toBe(false);
  });
});

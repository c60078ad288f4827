import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy, writeNpy } from './npy';

/** Independent reader following the .npy v1.0 spec. */
function parseNpy(bytes: Buffer): { descr: string; fortran: boolean; shape: number[]; data: Float32Array } {
  expect(bytes.subarray(0, 6)).toEqual(Buffer.from('\x93NUMPY', 'latin1'));
  expect([bytes[6], bytes[7]]).toEqual([1, 0]);
  const headerLength = bytes.readUInt16LE(8);
  expect((10 + headerLength) % 64).toBe(0);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  expect(header.endsWith('\n')).toBe(true);
  const descr = /'descr': '([^']+)'/.exec(header)![1];
  const fortran = /'fortran_order': (True|False)/.exec(header)![1] === 'True';
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = bytes.subarray(10 + headerLength);
  const data = new Float32Array(body.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = body.readFloatLE(i * 4);
  return { descr, fortran, shape, data };
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-npy-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeNpy', () => {
  it('round-trips a 3-D float32 array', async () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => (i - 7) / 3);
    data[5] = -0;
    data[6] = 1e-30;
    const target = join(tmp, 'cam.npy');
    await writeNpy(target, data, [2, 3, 4]);
    const parsed = parseNpy(await readFile(target));
    expect(parsed.descr).toBe('<f4');
    expect(parsed.fortran).toBe(false);
    expect(parsed.shape).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data)).toEqual(Array.from(data));
  });

  it('writes 1-D shapes as (n,) and scalars as ()', () => {
    expect(encodeNpy(new Float32Array(3), [3]).toString('latin1')).toContain("'shape': (3,)");
    expect(parseNpy(encodeNpy(new Float32Array(1), [])).shape).toEqual([]);
  });

  it('refuses a shape that does not match the data, and respects overwrite', async () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values/);
    const target = join(tmp, 'once.npy');
    await writeNpy(target, new Float32Array(2), [2]);
    await expect(writeNpy(target, new Float32Array(2), [2])).rejects.toThrow(/already exists/);
    await writeNpy(target, new Float32Array([1, 2]), [1, 2], { overwrite: true });
    expect(parseNpy(await readFile(target)).shape).toEqual([1, 2]);
  });

  it('is read back by NumPy when python3 with numpy is available', async (context) => {
    const target = join(tmp, 'numpy.npy');
    await writeNpy(target, Float32Array.from([1.5, -2, 3.25, 4, 5, 6]), [3, 2]);
    let out: string;
    try {
      out = execFileSync('python3', ['-c', 'import sys,numpy as n;a=n.load(sys.argv[1]);print(a.dtype,a.shape,a[0,0],a[1,0])', target], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      context.skip();
      return;
    }
    expect(out.trim()).toBe('float32 (3, 2) 1.5 3.25');
  });
});

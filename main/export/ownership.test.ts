// The one rule for export targets, on real files: only what a Convscope record claims is kept or
// replaced; anything else at a target is refused even with overwrite; "exists" names every file.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExistsError } from './atomic';
import { encodeNpy } from './npy';
import { ForeignFileError, framesFolderOutputs, overlayOutputs, planOutputs, recordOutputs, sidecarOutputs, writePlanned } from './ownership';
import { InputOverwriteError } from './same-path';
import { sidecarJson } from './sidecar';

let tmp: string;
let count = 0;
const folder = async (): Promise<string> => {
  const dir = join(tmp, String(count++));
  await mkdir(dir);
  return dir;
};
const ours = (fields: Record<string, unknown> = {}) => sidecarJson({ method: 'gradcam', ...fields });

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-ownership-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('planOutputs', () => {
  it('writes the sidecar first, then the raw map, then the file', async () => {
    const dir = await folder();
    const plan = await planOutputs(await overlayOutputs(join(dir, 'a.png'), join(dir, 'a.npy')), { overwrite: false, inputs: [] });
    expect(plan.write).toEqual([
      { path: join(dir, 'a.json'), replace: false },
      { path: join(dir, 'a.npy'), replace: false },
      { path: join(dir, 'a.png'), replace: false },
    ]);
  });

  it('refuses a file without a Convscope sidecar, a foreign sidecar and an unclaimed raw map, even with overwrite', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'a.png'), 'photo');
    for (const overwrite of [false, true]) {
      await expect(planOutputs(await sidecarOutputs(join(dir, 'a.png')), { overwrite, keepExisting: true, inputs: [] })).rejects.toThrow(
        `${join(dir, 'a.png')}: exists and was not written by Convscope; not replaced — choose another name or folder`,
      );
    }
    await writeFile(join(dir, 'a.json'), '{"app": "someone else"}');
    await expect(planOutputs(await sidecarOutputs(join(dir, 'a.png')), { overwrite: true, inputs: [] })).rejects.toBeInstanceOf(ForeignFileError);
    await writeFile(join(dir, 'a.json'), ours({ rawMap: { file: 'a.npy', path: join(dir, 'raw', 'a.npy') } }));
    await mkdir(join(dir, 'raw'));
    await writeFile(join(dir, 'raw', 'b.npy'), 'data');
    await expect(planOutputs(await sidecarOutputs(join(dir, 'a.png'), join(dir, 'raw', 'b.npy')), { overwrite: true, inputs: [] })).rejects.toThrow(/b\.npy: exists and was not written by Convscope/);
    // A symlink at a target is never one of ours.
    await symlink(join(dir, 'a.json'), join(dir, 'c.json'));
    await expect(planOutputs(await sidecarOutputs(join(dir, 'c.png')), { overwrite: true, inputs: [] })).rejects.toThrow(/c\.json: exists and was not written/);
  });

  it('names every existing Convscope file, replaces them with overwrite, keeps them on resume', async () => {
    const dir = await folder();
    const raw = join(dir, 'raw.npy');
    await writeFile(join(dir, 'a.json'), ours({ rawMap: { file: 'raw.npy', path: raw } }));
    await writeFile(join(dir, 'a.png'), 'overlay');
    const outputs = await sidecarOutputs(join(dir, 'a.png'), raw);
    const exists = await planOutputs(outputs, { overwrite: false, inputs: [] }).catch((error: unknown) => error);
    expect(exists).toBeInstanceOf(ExistsError);
    expect((exists as ExistsError).paths).toEqual([join(dir, 'a.json'), join(dir, 'a.png')]);
    expect((exists as ExistsError).message).toBe(`${join(dir, 'a.json')}: already exists (not overwritten)\n${join(dir, 'a.png')}: already exists (not overwritten)`);
    expect((await planOutputs(outputs, { overwrite: true, inputs: [] })).write).toEqual([
      { path: join(dir, 'a.json'), replace: true },
      { path: raw, replace: false },
      { path: join(dir, 'a.png'), replace: true },
    ]);
    // Resume: the missing raw map is written and the sidecar again, so it claims it; the overlay stays.
    const resume = await planOutputs(outputs, { overwrite: false, keepExisting: true, inputs: [] });
    expect(resume).toEqual({ write: [{ path: join(dir, 'a.json'), replace: true }, { path: raw, replace: false }], kept: [join(dir, 'a.png')], remove: [] });
    await writePlanned(resume, new Map([[join(dir, 'a.json'), ours({ rawMap: { file: 'raw.npy', path: raw } })], [raw, 'npy']]), []);
    expect(await readFile(raw, 'utf8')).toBe('npy');
    expect(await planOutputs(await sidecarOutputs(join(dir, 'a.png'), raw), { overwrite: false, keepExisting: true, inputs: [] })).toEqual({
      write: [],
      kept: [join(dir, 'a.json'), raw, join(dir, 'a.png')],
      remove: [],
    });
  });

  it('replacing an export removes the raw map its earlier sidecar claims and this run does not write', async () => {
    const dir = await folder();
    const raw = join(dir, 'raw', 'a.npy');
    await mkdir(join(dir, 'raw'));
    await writeFile(raw, encodeNpy(new Float32Array([1, 2]), [1, 2]));
    await writeFile(join(dir, 'a.json'), ours({ rawMap: { file: 'a.npy', path: raw } }));
    await writeFile(join(dir, 'a.png'), 'overlay');
    // No raw map this time: asked first (it is named), removed with overwrite, before the new sidecar.
    const exists = await planOutputs(await sidecarOutputs(join(dir, 'a.png')), { overwrite: false, inputs: [] }).catch((error: unknown) => error);
    expect((exists as ExistsError).paths).toEqual([join(dir, 'a.json'), join(dir, 'a.png'), raw]);
    const plan = await planOutputs(await sidecarOutputs(join(dir, 'a.png')), { overwrite: true, inputs: [] });
    expect(plan).toEqual({ write: [{ path: join(dir, 'a.json'), replace: true }, { path: join(dir, 'a.png'), replace: true }], kept: [], remove: [raw] });
    await writePlanned(plan, new Map([[join(dir, 'a.json'), ours()], [join(dir, 'a.png'), 'new overlay']]), []);
    expect(await readdir(join(dir, 'raw'))).toEqual([]);
    // Another raw path this time: the earlier one goes too; resuming instead refuses (it would be left unclaimed).
    await writeFile(raw, encodeNpy(new Float32Array([1, 2]), [1, 2]));
    await writeFile(join(dir, 'a.json'), ours({ rawMap: { file: 'a.npy', path: raw } }));
    const elsewhere = join(dir, 'b.npy');
    expect((await planOutputs(await sidecarOutputs(join(dir, 'a.png'), elsewhere), { overwrite: true, inputs: [] })).remove).toEqual([raw]);
    await expect(planOutputs(await sidecarOutputs(join(dir, 'a.png'), elsewhere), { overwrite: false, keepExisting: true, inputs: [] })).rejects.toThrow(
      `${raw}: the earlier export's raw map, which this run does not write; pass overwrite to replace that export`,
    );
    // A claim alone never removes a file: one that is not a NumPy file (or is an original) stays.
    await writeFile(join(dir, 'notes.npy'), 'my notes');
    await writeFile(join(dir, 'a.json'), ours({ rawMap: { file: 'notes.npy', path: join(dir, 'notes.npy') } }));
    expect((await planOutputs(await sidecarOutputs(join(dir, 'a.png')), { overwrite: true, inputs: [] })).remove).toEqual([]);
    await writeFile(join(dir, 'a.json'), ours({ rawMap: { file: 'a.npy', path: raw } }));
    const originalPlan = await planOutputs(await sidecarOutputs(join(dir, 'a.png')), { overwrite: true, inputs: [] });
    await expect(writePlanned(originalPlan, new Map([[join(dir, 'a.json'), ours()], [join(dir, 'a.png'), 'x']]), [raw])).rejects.toBeInstanceOf(InputOverwriteError);
    expect(await readFile(raw)).toEqual(encodeNpy(new Float32Array([1, 2]), [1, 2]));
  });

  it('accepts a raw map named by an older sidecar (file name only)', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'a.json'), ours({ rawMap: { file: 'a.npy' } }));
    await writeFile(join(dir, 'a.npy'), 'npy');
    const plan = await planOutputs(await sidecarOutputs(join(dir, 'a.png'), join(dir, 'a.npy')), { overwrite: true, inputs: [] });
    expect(plan.write.map(({ replace }) => replace)).toEqual([true, true, false]);
  });

  it('refuses originals before anything else', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'a.png'), 'photo');
    await expect(planOutputs(await sidecarOutputs(join(dir, 'a.png')), { overwrite: true, inputs: [join(dir, 'a.png')] })).rejects.toBeInstanceOf(InputOverwriteError);
  });

  it('a frames folder is Convscope’s only with nothing but frames and its parameters.json', async () => {
    const dir = await folder();
    const frames = join(dir, 'x-dream-frames');
    await mkdir(frames);
    await expect(planOutputs(await framesFolderOutputs(frames), { overwrite: true, inputs: [] })).rejects.toBeInstanceOf(ForeignFileError);
    await writeFile(join(frames, 'frame-0001.png'), 'png');
    await writeFile(join(frames, 'parameters.json'), ours());
    expect((await planOutputs(await framesFolderOutputs(frames), { overwrite: true, inputs: [] })).write).toEqual([{ path: frames, replace: true }]);
    await expect(planOutputs(await framesFolderOutputs(frames), { overwrite: false, inputs: [] })).rejects.toBeInstanceOf(ExistsError);
    await writeFile(join(frames, 'holiday.jpg'), 'mine');
    await expect(planOutputs(await framesFolderOutputs(frames), { overwrite: true, inputs: [] })).rejects.toBeInstanceOf(ForeignFileError);
  });

  it('a record and the frames it describes (the CLI dream folder)', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'frame-0001.png'), 'png');
    const outputs = () => recordOutputs(join(dir, 'parameters.json'), [join(dir, 'frame-0001.png')]);
    await expect(planOutputs(await outputs(), { overwrite: true, inputs: [] })).rejects.toThrow(/frame-0001\.png: exists and was not written by Convscope/);
    await writeFile(join(dir, 'parameters.json'), ours());
    expect((await planOutputs(await outputs(), { overwrite: true, inputs: [] })).write.map(({ replace }) => replace)).toEqual([true, true]);
  });
});

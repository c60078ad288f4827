// The CLI as users script it: exact flags, outputs, exit codes, files on disk.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REPO, photo } from '../testing/paths';

function convscope(...args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO, 'bin/convscope.mjs'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const out = mkdtempSync(join(tmpdir(), 'convscope-cli-'));

describe('convscope CLI', () => {
  it('info names the backend and why faster ones were not used', () => {
    const result = convscope('info');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^backend: (wasm|cpu|tensorflow|tensorflow-gpu) /m);
    expect(result.stdout).toMatch(/not used: tensorflow-gpu: .+/);
    expect(result.stdout).toMatch(/not used: tensorflow: .+/);
  });

  it('a truncated photo exits 2 with one line naming the file', () => {
    const file = photo('awkward/truncated.jpg');
    const result = convscope('classify', file);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    const dreamOut = join(out, 'no-dream');
    const dream = convscope('dream', file, '--out', dreamOut, '--model', 'mobilenet_v2');
    expect(dream.code).toBe(2);
    expect(dream.stderr).toContain(file);
    expect(existsSync(dreamOut)).toBe(false);
  });

  it('an output path through a file, or onto existing exports, exits 2 with one line saying so', () => {
    const dir = join(out, 'in-the-way');
    mkdirSync(dir);
    const file = join(dir, 'not-a-folder.png');
    writeFileSync(file, 'x');
    const dream = convscope('dream', photo('everyday/rocket.jpg'), '--out', file, '--max-size', '96', '--octaves', '1', '--steps', '1');
    expect(dream.code).toBe(2);
    expect(dream.stderr).toBe(`convscope: ${file}: is a file, not a folder (--out names the folder the frames go into)\n`);
    const under = convscope('gradcam', photo('everyday/chelsea.png'), '--out', join(file, 'c.png'), '--model', 'mobilenet_v2');
    expect(under.code).toBe(2);
    expect(under.stderr).toBe(`convscope: ${file}: a file is in the way where a folder is needed\n`);
    const target = join(dir, 'c.png');
    expect(convscope('gradcam', photo('everyday/chelsea.png'), '--out', target, '--model', 'mobilenet_v2').code).toBe(0);
    const again = convscope('gradcam', photo('everyday/chelsea.png'), '--out', target, '--model', 'mobilenet_v2');
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`convscope: 2 files already exist (not overwritten): ${join(dir, 'c.json')}, ${target} (pass --overwrite to replace)\n`);
  });

  it('bad flags exit 2 without a stack trace', () => {
    const result = convscope('gradcam', photo('everyday/chelsea.png'), '--out', join(out, 'x.png'), '--alpha', '3');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--alpha');
  });

  it('gradcam writes a full-resolution overlay, a sidecar and a raw map; never overwrites', async () => {
    const target = join(out, 'c.png');
    const result = convscope('gradcam', photo('everyday/chelsea.png'), '--out', target, '--model', 'mobilenet_v2', '--raw', join(out, 'c.npy'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const meta = await sharp(target).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 451, 300]);
    const sidecar = JSON.parse(readFileSync(join(out, 'c.json'), 'utf8'));
    expect(sidecar).toMatchObject({ model: 'mobilenet_v2', method: 'gradcam' });
    expect(typeof sidecar.layer).toBe('string');
    expect(Number.isInteger(sidecar.class)).toBe(true);
    expect(sidecar.score).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'c.npy')).subarray(1, 6).toString()).toBe('NUMPY');
    const again = convscope('gradcam', photo('everyday/chelsea.png'), '--out', target, '--model', 'mobilenet_v2');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exist/);
  });

  it('classifies the sideways photo upright and its overlay is upright too', async () => {
    const file = photo('awkward/exif-orientation-6.jpg');
    const classify = convscope('classify', file, '--model', 'mobilenet_v2', '--json');
    expect(classify.code).toBe(0);
    expect(JSON.parse(classify.stdout).top).toHaveLength(5);
    const target = join(out, 'sideways.png');
    expect(convscope('gradcam', file, '--out', target, '--model', 'mobilenet_v2').code).toBe(0);
    const meta = await sharp(target).metadata();
    expect([meta.width, meta.height]).toEqual([451, 300]);
  });

  it('dream writes one PNG per iteration plus the final image, and JSON lines with --json', async () => {
    const dir = join(out, 'dream');
    const result = convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, '--octaves', '2', '--steps', '3', '--max-size', '256', '--json');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['octave', 'step', 'objective', 'frame']);
      expect(existsSync(line.frame)).toBe(true);
    }
    const files = readdirSync(dir).filter((name) => name.endsWith('.png')).sort();
    expect(files).toEqual(['final.png', 'frame-0001.png', 'frame-0002.png', 'frame-0003.png', 'frame-0004.png', 'frame-0005.png', 'frame-0006.png']);
    const final = await sharp(join(dir, 'final.png')).metadata();
    expect(Math.max(final.width!, final.height!)).toBe(256);
  });

  it('dreams again like an earlier dream from its parameters.json, flags on the line winning', () => {
    const first = join(out, 'again-1');
    const second = join(out, 'again-2');
    expect(convscope('dream', photo('everyday/rocket.jpg'), '--out', first, '--model', 'mobilenet_v2', '--max-size', '96', '--octaves', '1', '--steps', '2', '--seed', '11').code).toBe(0);
    const again = convscope('dream', photo('everyday/rocket.jpg'), '--out', second, '--params', join(first, 'parameters.json'), '--steps', '3');
    expect(again.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(second, 'parameters.json'), 'utf8')).parameters;
    expect(saved).toMatchObject({ model: 'mobilenet_v2', maxSize: 96, seed: 11, steps: 3 });
    expect(saved.layers.length).toBeGreaterThan(0);
    expect(readFileSync(join(second, 'frame-0001.png')).equals(readFileSync(join(first, 'frame-0001.png')))).toBe(true);
    expect(existsSync(join(second, 'frame-0003.png'))).toBe(true);
    // One record for every dream: the photo, the parameters used, frames, size, notes.
    const record = JSON.parse(readFileSync(join(first, 'parameters.json'), 'utf8'));
    expect(record).toMatchObject({ app: 'convscope', kind: 'deep-dream', photo: photo('everyday/rocket.jpg'), frames: 2, parameters: { seed: 11 } });
    expect(Object.keys(record)).toEqual(expect.arrayContaining(['width', 'height', 'notes']));
    // A parameters.json written before it had `photo` still dreams again the same way.
    const old = join(out, 'again-old.json');
    const { photo: _photo, ...withoutPhoto } = record;
    writeFileSync(old, JSON.stringify(withoutPhoto));
    const third = join(out, 'again-3');
    expect(convscope('dream', photo('everyday/rocket.jpg'), '--out', third, '--params', old).code).toBe(0);
    expect(readFileSync(join(third, 'frame-0002.png')).equals(readFileSync(join(first, 'frame-0002.png')))).toBe(true);
  });

  it('dream --animate writes the animation beside the frames, named with its format like the studio does', () => {
    const dir = join(out, 'animate');
    const result = convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, '--model', 'mobilenet_v2', '--max-size', '64', '--octaves', '1', '--steps', '2', '--animate', 'gif');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(join(dir, 'rocket-dream-gif.gif'));
    expect(readFileSync(join(dir, 'rocket-dream-gif.gif')).toString('ascii', 0, 3)).toBe('GIF');
    expect(JSON.parse(readFileSync(join(dir, 'rocket-dream-gif.json'), 'utf8'))).toMatchObject({ app: 'convscope', frames: 2, animation: { format: 'gif', file: 'rocket-dream-gif.gif' } });
  });

  it('dream never writes over a folder of files Convscope did not write, even with --overwrite', () => {
    const dir = join(out, 'dream-foreign');
    mkdirSync(dir);
    writeFileSync(join(dir, 'parameters.json'), '{"mine": true}\n');
    writeFileSync(join(dir, 'frame-0001.png'), 'my own frame');
    const result = convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, '--model', 'mobilenet_v2', '--max-size', '64', '--octaves', '1', '--steps', '1', '--overwrite');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'parameters.json')}: exists and was not written by Convscope; not replaced`);
    expect(readFileSync(join(dir, 'frame-0001.png'), 'utf8')).toBe('my own frame');
    expect(readdirSync(dir).sort()).toEqual(['frame-0001.png', 'parameters.json']);
  });

  it('a dream with a mistyped layer or channel leaves no folder, so the corrected run just works', () => {
    const dir = join(out, 'dream-typo');
    const small = ['--model', 'mobilenet_v2', '--max-size', '64', '--octaves', '1', '--steps', '1'];
    const typo = convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, ...small, '--layers', 'nope:1');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/nope/);
    expect(existsSync(dir)).toBe(false);
    const channel = convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, ...small, '--channel', 'nope:3');
    expect(channel.code).toBe(2);
    expect(existsSync(dir)).toBe(false);
    const fixed = convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, ...small);
    expect(fixed.stderr).not.toMatch(/already exist/);
    expect(fixed.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['final.png', 'frame-0001.png', 'parameters.json']);
  });

  it('a dream killed half-way leaves a record claiming its frames; --overwrite then replaces them and drops stale ones', async () => {
    const dir = join(out, 'dream-killed');
    const args = [join(REPO, 'bin/convscope.mjs'), 'dream', photo('everyday/rocket.jpg'), '--out', dir, '--model', 'mobilenet_v2', '--max-size', '64', '--octaves', '1', '--steps', '200', '--json'];
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout! });
    let frames = 0;
    await new Promise<void>((resolve) => {
      lines.on('line', () => {
        frames += 1;
        if (frames === 3) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    const record = JSON.parse(readFileSync(join(dir, 'parameters.json'), 'utf8'));
    expect(record).toMatchObject({ app: 'convscope', kind: 'deep-dream', frames: 0, notes: [expect.stringContaining('incomplete')] });
    expect(readdirSync(dir)).toContain('frame-0003.png');
    expect(convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, '--model', 'mobilenet_v2', '--max-size', '64', '--octaves', '1', '--steps', '1').code).toBe(2);
    const again = convscope('dream', photo('everyday/rocket.jpg'), '--out', dir, '--model', 'mobilenet_v2', '--max-size', '64', '--octaves', '1', '--steps', '1', '--overwrite');
    expect(again.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['final.png', 'frame-0001.png', 'parameters.json']);
    expect(JSON.parse(readFileSync(join(dir, 'parameters.json'), 'utf8'))).toMatchObject({ frames: 1, notes: [] });
  });

  it('gradcam over a folder reports every bad photo, continues, and exits 1', () => {
    const dir = join(out, 'awkward');
    const result = convscope('gradcam', photo('awkward'), '--out', dir, '--model', 'mobilenet_v2', '--method', 'gradcam++');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/truncated\.jpg: /);
    expect(result.stdout).toMatch(/zero-bytes\.jpg: /);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.done.length).toBeGreaterThan(8);
    expect(existsSync(join(dir, 'nested/deeper/small-rocket-gradcam++.png'))).toBe(true);
  });

  it('takes --class as a label, --colormap, --alpha and --input-range as written, and says so in the sidecar', () => {
    const target = join(out, 'flags.png');
    const result = convscope('gradcam', photo('everyday/chelsea.png'), '--out', target, '--model', 'mobilenet_v2', '--class', 'drawing', '--colormap', 'viridis', '--alpha', '0.7', '--input-range', '-1,1');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sidecar = JSON.parse(readFileSync(join(out, 'flags.json'), 'utf8'));
    expect(sidecar).toMatchObject({ class: 0, label: 'Drawing', parameters: { colormap: 'viridis', alpha: 0.7, inputRange: [-1, 1] } });
    const unknown = convscope('gradcam', photo('everyday/chelsea.png'), '--out', join(out, 'x.png'), '--model', 'mobilenet_v2', '--class', 'tabby');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--class "tabby" is not a label/);
  });

  it('a folder exported into itself: overlays are not taken for photos, and a re-run with --raw adds only the raw maps', () => {
    const folder = join(out, 'own-folder');
    mkdirSync(folder);
    for (const name of ['chelsea.png', 'rocket.jpg']) copyFileSync(photo(`everyday/${name}`), join(folder, name));
    const first = convscope('gradcam', folder, '--out', folder, '--model', 'mobilenet_v2');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^2 written, 0 already done, 0 failed/);
    rmSync(join(folder, 'rocket-gradcam.png')); // as if cut off between sidecar (written first) and overlay
    const raw = join(out, 'own-folder-raw');
    const second = convscope('gradcam', folder, '--out', folder, '--model', 'mobilenet_v2', '--raw', raw);
    expect(second.stderr).not.toMatch(/failed/);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^2 written, 0 already done, 0 failed/);
    expect(readdirSync(raw).sort()).toEqual(['chelsea-gradcam.npy', 'rocket-gradcam.npy']);
    expect(readdirSync(folder).filter((name) => name !== 'summary.json').sort()).toEqual(['chelsea-gradcam.json', 'chelsea-gradcam.png', 'chelsea.png', 'rocket-gradcam.json', 'rocket-gradcam.png', 'rocket.jpg']);
    // The re-run's sidecar claims the raw map it added.
    expect(JSON.parse(readFileSync(join(folder, 'chelsea-gradcam.json'), 'utf8')).rawMap).toMatchObject({ file: 'chelsea-gradcam.npy', path: join(raw, 'chelsea-gradcam.npy') });
    const third = convscope('gradcam', folder, '--out', folder, '--model', 'mobilenet_v2', '--raw', raw);
    expect(third.stdout).toMatch(/^0 written, 2 already done, 0 failed/);
    // An overlay without its sidecar is not Convscope's: never taken for a result, never replaced.
    rmSync(join(folder, 'rocket-gradcam.json'));
    const fourth = convscope('gradcam', folder, '--out', folder, '--model', 'mobilenet_v2', '--overwrite');
    expect(fourth.code).toBe(1);
    expect(fourth.stdout).toMatch(/^2 written, 0 already done, 1 failed/);
    expect(fourth.stdout).toContain(`failed: ${join(folder, 'rocket.jpg')}: ${join(folder, 'rocket-gradcam.png')}: is an original photo; exports never overwrite inputs`);
    // scan still lists every file, and says which ones Convscope wrote.
    const scan = convscope('scan', folder, '--json');
    expect(scan.code).toBe(0);
    const entries = JSON.parse(scan.stdout) as { name: string; notes: string[] }[];
    expect(entries.map((entry) => entry.name).sort()).toEqual(readdirSync(folder).sort());
    const ours = entries.filter((entry) => entry.notes.some((note) => note.startsWith('a Convscope export'))).map((entry) => entry.name);
    expect(ours.sort()).toEqual(['chelsea-gradcam.json', 'chelsea-gradcam.png', 'rocket-gradcam-gradcam.json', 'rocket-gradcam-gradcam.png', 'summary.json']);
    expect(entries.find((entry) => entry.name === 'rocket-gradcam.png')?.notes).toEqual([]); // no sidecar left: the user's
    expect(convscope('scan', folder).stdout).toMatch(/chelsea-gradcam\.png\tpng\t451×300\tok\t\(a Convscope export/);
  });

  it('scan accounts for every file with status and upright size', () => {
    const result = convscope('scan', photo('awkward'), '--json');
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout) as { name: string; status: string; width: number | null; height: number | null }[];
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    expect(byName.get('truncated.jpg')?.status).toBe('error');
    expect(byName.get('zero-bytes.jpg')?.status).toBe('error');
    expect(byName.get('not-an-image.jpg')?.status).toBe('error');
    expect(byName.get('exif-orientation-6.jpg')).toMatchObject({ status: 'ok', width: 451, height: 300 });
    expect(byName.get('small-rocket.jpg')?.status).toBe('ok');
  });
});

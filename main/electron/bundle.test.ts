// Smoke test of the built bundle, without Electron or a browser: electron-vite builds the app into a
// private folder, then the compute engine Electron forks (compute.js) runs under plain Node, the
// packages the bundle needs at run time are checked against what electron-builder ships, and the
// app:// page is served with every asset it references. The CLI and the browser host run the
// sources through tsx, so without this nothing would run the built code where no Electron binary is.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HostEvent } from '../../preload/contract';
import { ComputeHost } from '../host/compute-host';
import { spawnNodeCompute } from '../host/spawn-node';
import { photo, REPO } from '../testing/paths';
import { APP_INDEX_URL, appFileResponse } from './app-protocol';
import { ELECTRON_CSP } from './security';

// Inside the checkout (git-ignored .cache/), so the bundle resolves node_modules as out/ does; its
// own folder, so a concurrent `npm run build` (e2e) and this test never overwrite each other.
let OUT: string;

beforeAll(() => {
  mkdirSync(join(REPO, '.cache'), { recursive: true });
  OUT = mkdtempSync(join(REPO, '.cache', 'bundle-smoke-'));
  const build = spawnSync(process.execPath, [join(REPO, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', OUT, '--logLevel', 'error'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr || build.stdout}`);
});

afterAll(() => {
  if (OUT) rmSync(OUT, { recursive: true, force: true });
});

test('the built compute engine (main/compute.js) answers runtime and classify under plain Node', async () => {
  const entry = join(OUT, 'main/compute.js');
  expect(existsSync(entry)).toBe(true);
  const events: HostEvent[] = [];
  // The same ComputeHost and message protocol main uses; a .js entry is forked without tsx.
  const compute = new ComputeHost(() => spawnNodeCompute(entry), (event) => events.push(event));
  try {
    const runtime = await compute.call('runtime', {}, 'runtime');
    expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']).toContain(runtime.backend);
    expect(events.some((event) => event.type === 'runtime')).toBe(true);
    if (existsSync(`/proc/${compute.pid}/cmdline`)) {
      const argv = readFileSync(`/proc/${compute.pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain(entry);
      expect(argv.join(' ')).not.toContain('tsx');
    }

    const classification = await compute.call('classify', { path: photo('everyday/chelsea.png'), model: 'mobilenet_v2', top: 5 }, 'smoke-classify');
    expect(classification.model).toBe('mobilenet_v2');
    expect(classification.top.map((entry) => entry.label).sort()).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
    const total = classification.top.reduce((sum, entry) => sum + entry.score, 0);
    expect(total).toBeGreaterThan(0.99);
    expect(total).toBeLessThan(1.01);
    // A photo of a cat: the bundled head calls it Neutral.
    expect(classification.top[0]!.label).toBe('Neutral');

    // A bad call comes back as an error envelope, and the engine keeps serving. (ComputeMethods
    // makes an unknown name a compile error; it is sent anyway, as a bug elsewhere could.)
    // @ts-expect-error not a compute method
    await expect(compute.call('no-such-method', {}, 'smoke-bad')).rejects.toThrow(/unknown compute method/);
    await expect(compute.call('runtime', {}, 'runtime-again')).resolves.toMatchObject({ backend: runtime.backend });
  } finally {
    compute.stop();
  }
});

/** Bare module names a built file imports (static, dynamic or require), as package names. */
function importedPackages(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"'./][^"']*)["']/gm)) {
    const specifier = match[1]!;
    if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) continue;
    names.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
  }
  return [...names];
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(c|m)?js$/.test(name))
    .map((name) => join(dir, name));
}

test('every built main-side file parses, and imports only packages that ship with the app', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const shipped = new Set(['electron', ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]);
  const files = jsFiles(join(OUT, 'main'));
  expect(files.length).toBeGreaterThan(1);
  // Node parses each file as the ES module it is (a duplicate top-level binding fails here, not in the app).
  for (const file of files) {
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    expect(check.status, `${file}: ${check.stderr}`).toBe(0);
  }
  const missing = files.flatMap((file) => importedPackages(file).filter((name) => !shipped.has(name)).map((name) => `${name} (${file})`));
  expect(missing, 'imported by out/main but not in dependencies: electron-builder would leave it out').toEqual([]);
  // The sandboxed preload is one self-contained CommonJS file: it may require only electron.
  expect(importedPackages(join(OUT, 'preload/index.cjs'))).toEqual(['electron']);
});

test('app:// serves the built page with the CSP header, and every asset it references', async () => {
  const rendererDir = join(OUT, 'renderer');
  const page = await appFileResponse(rendererDir, APP_INDEX_URL);
  expect(page.status).toBe(200);
  expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
  expect(page.headers['Content-Security-Policy']).toBe(ELECTRON_CSP);
  const html = String(page.body);
  const references = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  expect(references.some((reference) => reference.endsWith('.js'))).toBe(true);
  expect(references.some((reference) => reference.endsWith('.css'))).toBe(true);
  const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', png: 'image/png' };
  for (const reference of references) {
    const url = new URL(reference, APP_INDEX_URL);
    expect(`${url.protocol}//${url.host}`, reference).toBe('app://convscope');
    const asset = await appFileResponse(rendererDir, url.href);
    expect(asset.status, reference).toBe(200);
    const extension = url.pathname.split('.').pop()!;
    if (types[extension]) expect(asset.headers['Content-Type'], reference).toBe(types[extension]);
  }
});

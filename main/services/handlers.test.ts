// The handler table's validation, without a compute process (calls that reach it are not made).
import { existsSync, mkdtempSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templateError } from '../../preload/contract';
import { ComputeHost, type ComputeChild } from '../host/compute-host';
import type { FromCompute, ToCompute } from '../host/protocol';
import { FolderGuard } from '../library/guard';
import { createDispatcher, createHandlers } from './handlers';
import { photo } from '../testing/paths';

function dispatcher() {
  const compute = new ComputeHost(() => {
    throw new Error('no compute process in this test');
  });
  const guard = new FolderGuard();
  return { guard, dispatch: createDispatcher(createHandlers({ hostKind: 'browser', compute, guard, emit: () => {}, modelCacheDir: join(tmpdir(), 'convscope-models-test') })) };
}

/** A compute process that answers exportOverlay once `answered` settles (writing nothing) and records the calls. */
function fakeCompute(calls: { method: string; params: { outFile?: string } }[], answered: Promise<void> = Promise.resolve()): ComputeHost {
  return new ComputeHost(() => {
    let listener: (message: FromCompute) => void = () => {};
    const child: ComputeChild = {
      pid: 1,
      postMessage(message: ToCompute) {
        if (message.type !== 'call') return;
        calls.push({ method: message.method, params: message.params as { outFile?: string } });
        const outFile = (message.params as { outFile?: string }).outFile ?? '';
        void answered.then(() => listener({ type: 'result', id: message.id, envelope: { ok: true, result: { files: [outFile], sidecar: '' } } }));
      },
      onMessage: (next) => (listener = next),
      onExit: () => {},
      kill: () => {},
    };
    return child;
  });
}

describe('handler table', () => {
  it('rejects unknown methods and malformed payloads with a clear error', async () => {
    const { dispatch } = dispatcher();
    expect(await dispatch('fs:readFile', {})).toEqual({ ok: false, error: { code: 'invalid-request', message: 'unknown method "fs:readFile"' } });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const missing = await dispatch('library:open', {});
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(JSON.stringify(missing)).toContain('library:open: path');
    const wrongType = await dispatch('explain:classify', { jobId: 'j', path: 42, model: 'inception_v3' });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    for (const inputRange of [[1e308, -1e308], [1, 1], [0, 2e6]]) {
      const range = await dispatch('explain:heatmap', { jobId: 'r', spec: { path: '/photos/a.jpg', model: 'inception_v3', inputRange } });
      expect(range).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    const tooLong = await dispatch('library:open', { path: 'x'.repeat(5000) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('refuses a batch name template the studio would refuse, in the studio\'s words', async () => {
    const { dispatch } = dispatcher();
    const request = { jobId: 'b', paths: ['/photos/a.jpg'], spec: { model: 'mobilenet_v2' }, outDir: '/out' };
    expect(templateError('{method}')).toBe('include {name}, or every photo writes the same file');
    expect(await dispatch('export:batch', { ...request, template: '{method}' })).toEqual({
      ok: false,
      error: { code: 'invalid-request', message: `export:batch: template: ${templateError('{method}')}` },
    });
    expect(await dispatch('export:batch', { ...request, template: '{name}-{colour}' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('unknown placeholder {colour}') },
    });
  });

  it('opens folders and lists photos recursively', async () => {
    const { dispatch, guard } = dispatcher();
    const opened = await dispatch('library:open', { path: photo('awkward') });
    expect(opened.ok).toBe(true);
    const listing = (opened as { result: { photos: { relPath: string }[] } }).result;
    const names = listing.photos.map((entry) => entry.relPath);
    expect(names).toContain('nested/deeper/small-rocket.jpg');
    expect(names).not.toContain('.hidden-file.jpg');
    expect(guard.roots()).toHaveLength(1);
    const info = await dispatch('app:info', {});
    expect(info).toMatchObject({ ok: true, result: { host: 'browser', runtime: null } });
  });

  it('refuses photos outside the opened folders before any work starts', async () => {
    const { dispatch } = dispatcher();
    const root = mkdtempSync(join(tmpdir(), 'convscope-handlers-'));
    mkdirSync(join(root, 'photos'));
    writeFileSync(join(root, 'secret.jpg'), 'not yours');
    await dispatch('library:open', { path: join(root, 'photos') });
    const outside = await dispatch('explain:classify', { jobId: 'j1', path: join(root, 'secret.jpg'), model: 'inception_v3' });
    expect(outside).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    const escape = await dispatch('explain:classify', { jobId: 'j2', path: join(root, 'photos', '..', 'secret.jpg'), model: 'inception_v3' });
    expect(escape).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    const notFolder = await dispatch('library:open', { path: join(root, 'secret.jpg') });
    expect(notFolder).toMatchObject({ ok: false, error: { code: 'invalid-request', message: `${join(root, 'secret.jpg')}: not a folder` } });
    const missing = await dispatch('library:open', { path: join(root, 'nonexistent', 'photos') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-request', message: `${join(root, 'nonexistent', 'photos')}: does not exist` } });
    const relativePath = await dispatch('library:open', { path: 'photos' });
    expect(relativePath).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('stops serving a folder once it is closed', async () => {
    const { dispatch, guard } = dispatcher();
    const opened = (await dispatch('library:open', { path: photo('everyday') })) as { ok: true; result: { root: string } };
    const chelsea = join(opened.result.root, 'chelsea.png');
    expect(await guard.resolve(chelsea)).toBe(chelsea);
    expect(await dispatch('library:close', { path: opened.result.root })).toEqual({ ok: true, result: { closed: true } });
    expect(await guard.resolve(chelsea)).toBeNull();
    expect(await dispatch('explain:classify', { jobId: 'j', path: chelsea, model: 'mobilenet_v2' })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
  });

  it('survives hundreds of random payloads', async () => {
    const { dispatch } = dispatcher();
    const methods = ['app:info', 'library:open', 'explain:heatmap', 'dream:run', 'export:overlay', 'job:cancel', 'nope', '', 7, null];
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = [null, 0, -1, 1e308, 'x', '../../etc/passwd', [], {}, { path: 3 }, true, '\u0000', { spec: { path: '/', method: 'evil' } }];
    for (let i = 0; i < 300; i++) {
      const method = methods[Math.floor(random() * methods.length)];
      const payload = random() < 0.3 ? values[Math.floor(random() * values.length)] : { path: values[Math.floor(random() * values.length)], jobId: values[Math.floor(random() * values.length)], spec: values[Math.floor(random() * values.length)] };
      const envelope = await dispatch(method, payload);
      expect(typeof envelope.ok).toBe('boolean');
      if (!envelope.ok) expect(envelope.error.message.length).toBeGreaterThan(0);
    }
    expect(await dispatch('app:info', {})).toMatchObject({ ok: true });
  });

  it('places a batch photo by the innermost opened folder when opened folders nest', async () => {
    const calls: { method: string; params: { outFile?: string } }[] = [];
    const guard = new FolderGuard();
    const dispatch = createDispatcher(createHandlers({ hostKind: 'browser', compute: fakeCompute(calls), guard, emit: () => {}, modelCacheDir: join(tmpdir(), 'convscope-models-test') }));
    const outer = realpathSync(mkdtempSync(join(tmpdir(), 'convscope-nested-')));
    const inner = join(outer, 'sec', 'b1');
    mkdirSync(inner, { recursive: true });
    writeFileSync(join(inner, 'a.png'), 'x');
    expect((await dispatch('library:open', { path: outer })).ok).toBe(true);
    expect((await dispatch('library:open', { path: inner })).ok).toBe(true);
    const batch = await dispatch('export:batch', { jobId: 'b1', paths: [join(inner, 'a.png')], spec: { model: 'mobilenet_v2' }, outDir: inner });
    expect(batch).toMatchObject({ ok: true, result: { done: 1, failed: [] } });
    expect(calls.map(({ params }) => params.outFile)).toEqual([join(inner, 'a-gradcam.png')]);
  });

  it('fails a batch whose every photo is outside the opened folders as invalid, creating nothing', async () => {
    const calls: { method: string; params: { outFile?: string } }[] = [];
    const guard = new FolderGuard();
    const dispatch = createDispatcher(createHandlers({ hostKind: 'browser', compute: fakeCompute(calls), guard, emit: () => {}, modelCacheDir: join(tmpdir(), 'convscope-models-test') }));
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'convscope-refused-')));
    mkdirSync(join(root, 'opened'));
    writeFileSync(join(root, 'secret.png'), 'x');
    await dispatch('library:open', { path: join(root, 'opened') });
    const outDir = join(root, 'out');
    const batch = await dispatch('export:batch', { jobId: 'r1', paths: [join(root, 'secret.png'), join(root, 'gone.png')], spec: { model: 'mobilenet_v2' }, outDir });
    expect(batch).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: `export:batch: no photo to export: ${join(root, 'secret.png')}: not a readable photo inside a folder you opened; ${join(root, 'gone.png')}: not a readable photo inside a folder you opened`,
      },
    });
    expect(existsSync(outDir)).toBe(false);
    expect(calls).toEqual([]);
  });

  it('passes every path of an "exists" error from the compute process on to the caller', async () => {
    const paths = Array.from({ length: 60 }, (_, i) => `/out/a-${i}.png`);
    const compute = new ComputeHost(() => {
      let listener: (message: FromCompute) => void = () => {};
      return {
        pid: 1,
        postMessage(message: ToCompute) {
          if (message.type === 'call') queueMicrotask(() => listener({ type: 'result', id: message.id, envelope: { ok: false, error: { code: 'exists', message: 'fifty lines', paths } } }));
        },
        onMessage: (next) => (listener = next),
        onExit: () => {},
        kill: () => {},
      } satisfies ComputeChild;
    });
    const guard = new FolderGuard();
    const dispatch = createDispatcher(createHandlers({ hostKind: 'browser', compute, guard, emit: () => {}, modelCacheDir: join(tmpdir(), 'convscope-models-test') }));
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'convscope-exists-')));
    writeFileSync(join(root, 'a.png'), 'x');
    await dispatch('library:open', { path: root });
    const answer = await dispatch('export:overlay', { jobId: 'e1', spec: { path: join(root, 'a.png'), model: 'mobilenet_v2' }, outDir: join(root, 'out'), overwrite: false });
    expect(answer).toEqual({ ok: false, error: { code: 'exists', message: 'fifty lines', paths } });
  });

  it('refuses a second batch under the id of a running one, and leaves the first one cancellable', async () => {
    const calls: { method: string; params: { outFile?: string } }[] = [];
    let answer = (): void => {};
    const guard = new FolderGuard();
    const compute = fakeCompute(calls, new Promise<void>((resolve) => (answer = resolve)));
    const dispatch = createDispatcher(createHandlers({ hostKind: 'browser', compute, guard, emit: () => {}, modelCacheDir: join(tmpdir(), 'convscope-models-test') }));
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'convscope-dup-')));
    writeFileSync(join(root, 'a.png'), 'x');
    await dispatch('library:open', { path: root });
    const request = { jobId: 'same', paths: [join(root, 'a.png')], spec: { model: 'mobilenet_v2' }, outDir: join(root, 'out') };
    const first = dispatch('export:batch', request);
    await new Promise((resolve) => setImmediate(resolve));
    const second = await dispatch('export:batch', request);
    expect(second).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('"same" is already in use') } });
    answer();
    expect(await first).toMatchObject({ ok: true, result: { done: 1 } });
    expect(calls).toHaveLength(1);
  });

  it('closes a folder named by a symlink or with a trailing separator, as it was opened', async () => {
    const { dispatch, guard } = dispatcher();
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'convscope-close-')));
    const real = join(root, 'photos');
    mkdirSync(real);
    writeFileSync(join(real, 'cat.png'), 'x');
    symlinkSync(real, join(root, 'link'));
    await dispatch('library:open', { path: real });
    expect(await dispatch('library:close', { path: join(root, 'link') })).toEqual({ ok: true, result: { closed: true } });
    expect(guard.roots()).toEqual([]);
    expect(await guard.resolve(join(real, 'cat.png'))).toBeNull();
    await dispatch('library:open', { path: join(root, 'link') });
    expect(await dispatch('library:close', { path: `${real}/` })).toEqual({ ok: true, result: { closed: true } });
    expect(guard.roots()).toEqual([]);
    expect(await dispatch('library:close', { path: real })).toEqual({ ok: true, result: { closed: false } });
  });
});

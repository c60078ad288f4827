// The one handler table behind both hosts (Electron IPC and the browser host's socket):
// validate → check paths → call a service (here or in the compute process) → result or error.
import { basename, extname, isAbsolute, join, relative } from 'node:path';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import {
  ApiError,
  DEFAULT_EXPORT_TEMPLATE,
  requests,
  type Envelope,
  type HostEvent,
  type ApiMethod,
  type PhotoEntry,
  type Results,
} from '../../preload/contract';
import { APP_VERSION } from '../app-version';
import type { ComputeHost } from '../host/compute-host';
import { probePhoto } from '../image/probe';
import type { FolderGuard } from '../library/guard';
import { listFolder } from '../library/scan';
import { watchFolder } from '../library/watch';
import { exportName } from '../export/naming';
import { CATALOGUE, downloadModel, listCatalogue } from '../catalogue';
import { batchExport } from './batch-export';
import { jobIdInUse, toApiError } from './errors';

export interface HostDeps {
  hostKind: 'electron' | 'browser';
  compute: ComputeHost;
  guard: FolderGuard;
  emit(event: HostEvent): void;
  /** Native folder dialogs exist only in Electron. */
  pickFolder?(): Promise<string | null>;
  pickExportFolder?(): Promise<string | null>;
  pickModelFolder?(): Promise<string | null>;
  /** Where downloaded catalogue models are cached. */
  modelCacheDir: string;
}

type Handlers = { [M in ApiMethod]: (request: z.output<(typeof requests)[M]>) => Promise<Results[M]> };

export function createHandlers(deps: HostDeps): Handlers {
  const { compute, guard } = deps;
  const watchers = new Map<string, () => void>();
  /** Jobs that run here in main (batches, downloads) rather than in the compute process. */
  const mainJobs = new Map<string, AbortController>();

  async function mainJob<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (mainJobs.has(jobId)) throw jobIdInUse(jobId);
    const controller = new AbortController();
    mainJobs.set(jobId, controller);
    try {
      return await work(controller.signal);
    } finally {
      mainJobs.delete(jobId);
    }
  }

  const progress = (jobId: string, done: number, total: number, message: string): void =>
    deps.emit({ type: 'progress', jobId, done, total, message });

  /** A photo path from the studio must lie inside a folder the user opened. */
  async function allowedPhoto(path: string): Promise<string> {
    const resolved = await guard.resolve(path);
    if (!resolved) throw new ApiError('not-allowed', `${path}: not inside a folder you opened`);
    return resolved;
  }

  async function outputFolder(path: string): Promise<string> {
    if (!isAbsolute(path)) throw new ApiError('invalid-request', `${path}: the output folder must be an absolute path`);
    return path;
  }

  return {
    async 'app:info'() {
      return { version: APP_VERSION, host: deps.hostKind, runtime: compute.runtime, folders: guard.roots() };
    },

    async 'library:open'({ path }) {
      if (!isAbsolute(path)) throw new ApiError('invalid-request', `${path}: give the folder's full path`);
      // "does not exist", "not a folder" (a file), "permission denied": resolveFolder's words.
      const root = await guard.allow(path);
      if (!watchers.has(root)) watchers.set(root, watchFolder(root, () => deps.emit({ type: 'folder-changed', root })));
      return listFolder(root);
    },

    async 'library:close'({ path }) {
      // By its real path, as it was opened: a symlink or trailing separator closes it too.
      const root = await guard.close(path);
      if (root) {
        watchers.get(root)?.();
        watchers.delete(root);
      }
      return { closed: root !== null };
    },

    async 'library:pickFolder'() {
      return deps.pickFolder ? deps.pickFolder() : null;
    },

    async 'models:list'() {
      return compute.call('models:list', {}, internalJob('models'));
    },

    async 'models:filters'({ model }) {
      return compute.call('models:filters', { model }, internalJob('filters'));
    },

    async 'models:layers'({ model }) {
      return compute.call('models:layers', { model }, internalJob('layers'));
    },

    async 'photo:info'({ path }) {
      const entry = await probePhoto(await allowedPhoto(path));
      if (entry.status === 'error') throw new ApiError('photo', `${entry.path}: ${entry.reason}`);
      return { path: entry.path, format: entry.format ?? 'unknown', width: entry.width ?? 0, height: entry.height ?? 0, notes: entry.notes };
    },

    async 'explain:classify'({ jobId, path, model, top }) {
      return compute.call('classify', { path: await allowedPhoto(path), model, top }, jobId);
    },

    async 'explain:heatmap'({ jobId, spec }) {
      return compute.call('heatmap', { spec: { ...spec, path: await allowedPhoto(spec.path) } }, jobId);
    },

    async 'explain:featureMaps'({ jobId, path, model, layer }) {
      return compute.call('featureMaps', { path: await allowedPhoto(path), model, layer }, jobId);
    },

    async 'dream:run'({ jobId, spec }) {
      const guide = spec.guide ? await allowedPhoto(spec.guide) : undefined;
      return compute.call('dream', { spec: { ...spec, path: await allowedPhoto(spec.path), guide }, previews: true }, jobId);
    },

    async 'export:overlay'({ jobId, spec, outDir, overwrite }) {
      const path = await allowedPhoto(spec.path);
      const name = exportName(DEFAULT_EXPORT_TEMPLATE, { name: basename(path, extname(path)), method: spec.method });
      const outFile = join(await outputFolder(outDir), `${name}.png`);
      return compute.call('exportOverlay', { spec: { ...spec, path }, outFile, overwrite }, jobId);
    },

    async 'export:dream'({ jobId, dreamJobId, outDir, what, frame, fps, overwrite }) {
      return compute.call('exportDream', { dreamJobId, outDir: await outputFolder(outDir), what, frame, fps, overwrite }, jobId);
    },

    async 'export:pickFolder'() {
      return deps.pickExportFolder ? deps.pickExportFolder() : null;
    },

    async 'export:batch'({ jobId, paths, spec, outDir, rawMaps, template, overwrite }) {
      const folder = await outputFolder(outDir);
      // A path that is gone or outside the opened folders is one failed photo, not a failed batch;
      // when every one is, the request itself is wrong, and nothing (no folder, no summary) is made.
      const photos: PhotoEntry[] = [];
      const unreadable: { path: string; reason: string }[] = [];
      for (const path of paths) {
        const resolved = await guard.resolve(path);
        if (resolved) photos.push(photoEntry(resolved, guard.rootOf(resolved)));
        else unreadable.push({ path, reason: `${path}: not a readable photo inside a folder you opened` });
      }
      if (photos.length === 0) {
        const named = unreadable.slice(0, 3).map(({ reason }) => reason);
        if (unreadable.length > named.length) named.push(`… and ${unreadable.length - named.length} more`);
        throw new ApiError('invalid-request', `export:batch: no photo to export: ${named.join('; ')}`);
      }
      return mainJob(jobId, async (signal) => {
        const summary = await batchExport({
          photos,
          unreadable,
          spec: { ...spec, path: photos[0]!.path },
          outDir: folder,
          rawDir: rawMaps ? join(folder, 'raw') : undefined,
          template,
          overwrite,
          signal,
          exportOne: (params) => {
            const stop = (): boolean => compute.cancel(`${jobId}:photo`);
            signal.addEventListener('abort', stop, { once: true });
            return compute.call('exportOverlay', params, `${jobId}:photo`).finally(() => signal.removeEventListener('abort', stop));
          },
          onPhoto: ({ index, total, photo, status }) => progress(jobId, index + 1, total, `${photo.relPath}: ${status}`),
        });
        return { done: summary.done.length, skipped: summary.skipped.length, failed: summary.failed, summaryFile: summary.summaryFile };
      });
    },

    async 'explain:faithfulness'({ jobId, spec, steps }) {
      return compute.call('faithfulness', { spec: { ...spec, path: await allowedPhoto(spec.path) }, steps }, jobId);
    },

    async 'dream:visualise'(request) {
      return compute.call('visualise', request, request.jobId);
    },

    async 'models:open'({ path }) {
      const info = await stat(path).catch(() => null);
      if (!info?.isDirectory()) throw new ApiError('invalid-request', `${path}: not a folder (a model folder holds model.json and its weight files)`);
      return compute.call('models:summary', { model: path }, internalJob('open'));
    },

    async 'models:pickFolder'() {
      return deps.pickModelFolder ? deps.pickModelFolder() : null;
    },

    async 'models:catalogue'() {
      return (await listCatalogue(deps.modelCacheDir)).map((entry) => ({
        id: entry.id,
        name: entry.name,
        url: entry.url,
        inputSize: entry.inputSize,
        cached: entry.cached,
        folder: entry.cached ? entry.dir : null,
      }));
    },

    async 'models:download'({ jobId, id }) {
      const entry = CATALOGUE.find((candidate) => candidate.id === id);
      if (!entry) throw new ApiError('invalid-request', `no catalogue model "${id}" (known: ${CATALOGUE.map((item) => item.id).join(', ')})`);
      const folder = await mainJob(jobId, (signal) =>
        downloadModel(entry, deps.modelCacheDir, {
          signal,
          onProgress: (done, total, file) => progress(jobId, done, total ?? 0, `downloading ${file}`),
        }),
      );
      return compute.call('models:summary', { model: folder }, `${jobId}:load`);
    },

    async 'job:cancel'({ jobId }) {
      const main = mainJobs.get(jobId);
      main?.abort();
      return { cancelled: compute.cancel(jobId) || Boolean(main) };
    },
  };
}

/** Validates an untrusted (method, payload) pair and runs it; never throws. */
export function createDispatcher(handlers: Handlers): (method: unknown, payload: unknown) => Promise<Envelope<unknown>> {
  return async (method, payload) => {
    try {
      if (typeof method !== 'string' || !Object.hasOwn(requests, method)) {
        throw new ApiError('invalid-request', `unknown method ${JSON.stringify(method)?.slice(0, 80)}`);
      }
      const schema = requests[method as ApiMethod];
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ApiError('invalid-request', `${method}: ${issue.path.join('.') || 'payload'}: ${issue.message}`);
      }
      const handler = handlers[method as ApiMethod] as (request: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
  };
}

/** Id for a short call the studio did not name (nothing will cancel it). */
function internalJob(kind: string): string {
  return `${kind}-${randomUUID()}`;
}

/** A photo as the batch sees it: its path relative to the opened folder that holds it (the innermost, as the studio shows it). */
function photoEntry(path: string, root: string | null): PhotoEntry {
  const relPath = root ? relative(root, path) : basename(path);
  return { path, relPath, name: basename(path), bytes: 0, mtimeMs: 0 };
}

// The one handler table behind both hosts (Electron IPC and the browser host's socket):
// validate → check paths → call a service (here or in the compute process) → result or error.
import { basename, extname, isAbsolute, join } from 'node:path';
import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import {
  ApiError,
  requests,
  type Envelope,
  type HostEvent,
  type Method_,
  type Results,
} from '../../preload/contract';
import { APP_VERSION } from '../app-version';
import type { ComputeHost } from '../host/compute-host';
import { probePhoto } from '../image/probe';
import type { FolderGuard } from '../library/guard';
import { listFolder } from '../library/scan';
import { watchFolder } from '../library/watch';
import { exportName } from '../export/naming';
import { toApiError } from './errors';

export interface HostDeps {
  hostKind: 'electron' | 'browser';
  compute: ComputeHost;
  guard: FolderGuard;
  emit(event: HostEvent): void;
  /** Native folder dialogs exist only in Electron. */
  pickFolder?(): Promise<string | null>;
  pickExportFolder?(): Promise<string | null>;
}

type Handlers = { [M in Method_]: (request: z.output<(typeof requests)[M]>) => Promise<Results[M]> };

export function createHandlers(deps: HostDeps): Handlers {
  const { compute, guard } = deps;
  const watchers = new Map<string, () => void>();

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
      const info = await stat(path).catch(() => null);
      if (!info?.isDirectory()) throw new ApiError('invalid-request', `${path}: not a folder`);
      const root = await guard.allow(path);
      if (!watchers.has(root)) watchers.set(root, watchFolder(root, () => deps.emit({ type: 'folder-changed', root })));
      return listFolder(root);
    },

    async 'library:pickFolder'() {
      return deps.pickFolder ? deps.pickFolder() : null;
    },

    async 'models:list'() {
      return compute.call('models:list', {}, `models-${Date.now()}`);
    },

    async 'models:layers'({ model }) {
      return compute.call('models:layers', { model }, `layers-${Date.now()}`);
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
      const name = exportName('{name}-{method}', { name: basename(path, extname(path)), method: spec.method });
      const outFile = join(await outputFolder(outDir), `${name}.png`);
      return compute.call('exportOverlay', { spec: { ...spec, path }, outFile, overwrite }, jobId);
    },

    async 'export:dream'({ jobId, dreamJobId, outDir, what, frame, overwrite }) {
      return compute.call('exportDream', { dreamJobId, outDir: await outputFolder(outDir), what, frame, overwrite }, jobId);
    },

    async 'export:pickFolder'() {
      return deps.pickExportFolder ? deps.pickExportFolder() : null;
    },

    async 'job:cancel'({ jobId }) {
      return { cancelled: compute.cancel(jobId) };
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
      const schema = requests[method as Method_];
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ApiError('invalid-request', `${method}: ${issue.path.join('.') || 'payload'}: ${issue.message}`);
      }
      const handler = handlers[method as Method_] as (request: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
  };
}

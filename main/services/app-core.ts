// What both hosts share: the compute process, the folder guard, thumbnails and the handler table.
import { join } from 'node:path';
import { homedir } from 'node:os';
import type { HostEvent } from '../../preload/contract';
import { ComputeHost, type ComputeChild } from '../host/compute-host';
import { FolderGuard } from '../library/guard';
import { ThumbnailCache } from '../library/thumbnails';
import { createDispatcher, createHandlers, type HostDeps } from './handlers';

export interface AppCoreOptions {
  hostKind: HostDeps['hostKind'];
  spawnCompute: () => ComputeChild;
  userDataDir: string;
  pickFolder?: HostDeps['pickFolder'];
  pickExportFolder?: HostDeps['pickExportFolder'];
  pickModelFolder?: HostDeps['pickModelFolder'];
}

export type AppCore = ReturnType<typeof createAppCore>;

export function createAppCore(options: AppCoreOptions) {
  const listeners = new Set<(event: HostEvent) => void>();
  const emit = (event: HostEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const compute = new ComputeHost(options.spawnCompute, emit);
  const guard = new FolderGuard();
  const thumbnails = new ThumbnailCache(join(options.userDataDir, 'thumbnails'));
  const handlers = createHandlers({
    hostKind: options.hostKind,
    compute,
    guard,
    emit,
    pickFolder: options.pickFolder,
    pickExportFolder: options.pickExportFolder,
    pickModelFolder: options.pickModelFolder,
    modelCacheDir: join(options.userDataDir, 'models'),
  });
  compute.start();
  return {
    compute,
    guard,
    thumbnails,
    handlers,
    dispatch: createDispatcher(handlers),
    onEvent(listener: (event: HostEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      compute.stop();
    },
  };
}

/** Where Convscope keeps caches and settings outside Electron (CONVSCOPE_USER_DATA overrides). */
export function defaultUserDataDir(): string {
  if (process.env.CONVSCOPE_USER_DATA) return process.env.CONVSCOPE_USER_DATA;
  const base = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(base, 'convscope');
}

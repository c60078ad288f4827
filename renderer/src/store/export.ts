import { DEFAULT_EXPORT_TEMPLATE, templateError, type BatchResult, type ExportResult, type FolderListing } from '../../../preload/contract';
import { api, errorCode, errorMessage, errorPaths, newJobId } from '../lib/api';
import { fileName } from '../lib/text';
import { explainSettingsOf, explainSpecOf, heatmapKeyOf } from './explain';
import { withJob } from './jobs';
import { rootOf, selectedPhotoProblem } from './library';
import type { SliceCreator, StudioState } from './types';

export type DreamExportKind = 'frame' | 'frames' | 'webp' | 'gif';

export interface ExportRecord {
  what: 'overlay' | DreamExportKind;
  result: ExportResult;
}

export type BatchScope = 'folder' | 'selection';

export interface BatchRecord {
  scope: BatchScope;
  /** The opened folder the batch was about (a selection: its first photo's). */
  root: string | null;
  outDir: string;
  photos: number;
  result: BatchResult;
}

export interface ExportSlice {
  /** Empty = the default next to the opened folder. */
  outDir: string;
  dreamExportKind: DreamExportKind;
  lastExport: ExportRecord | null;
  exporting: boolean;
  batchRawMaps: boolean;
  batchTemplate: string;
  batchJob: string | null;
  lastBatch: BatchRecord | null;
  /** Said after a batch that did not finish (cancelled or failed as a whole). */
  batchNote: string | null;
  /** The opened folder "for the folder" exports; null = the folder of the selected photo. */
  batchRoot: string | null;
  setBatchRoot(root: string | null): void;
  setBatchRawMaps(rawMaps: boolean): void;
  setBatchTemplate(template: string): void;
  exportBatch(scope: BatchScope): Promise<void>;
  setOutDir(outDir: string): void;
  setDreamExportKind(kind: DreamExportKind): void;
  pickOutDir(): Promise<void>;
  exportOverlay(): Promise<void>;
  exportDream(): Promise<void>;
}


/** The opened folder a folder batch covers: the user's choice while open, else the selected photo's, else the first. */
export function batchFolderOf(state: Pick<StudioState, 'folders' | 'batchRoot' | 'selectedPath'>): FolderListing | null {
  const { folders, batchRoot, selectedPath } = state;
  const byRoot = (root: string | null) => folders.find((folder) => folder.root === root);
  return byRoot(batchRoot) ?? byRoot(selectedPath ? rootOf(folders, selectedPath) : null) ?? folders[0] ?? null;
}

/**
 * The photos "…for the selection" covers: the ticked ones, or else the photo picked with a plain
 * click (one photo is a selection too).
 */
export function batchSelectionOf(state: Pick<StudioState, 'multiSelection' | 'selectedPath'>): string[] {
  if (state.multiSelection.length) return state.multiSelection;
  return state.selectedPath ? [state.selectedPath] : [];
}

/** The selection button's words for `count` photos (ticked, or just the picked one). */
export function selectionButtonLabel(state: Pick<StudioState, 'multiSelection' | 'selectedPath'>): string {
  const count = state.multiSelection.length;
  if (count > 0) return `…for the ${count} selected photo${count === 1 ? '' : 's'}`;
  return state.selectedPath ? '…for this photo (1)' : '…for the selection (0)';
}

/** The last batch summary while it is about the folder the batch section shows; null once the folder changed. */
export function shownBatchOf(state: Pick<StudioState, 'lastBatch' | 'folders' | 'batchRoot' | 'selectedPath'>): BatchRecord | null {
  const batch = state.lastBatch;
  if (!batch) return null;
  return batch.root !== null && batch.root === (batchFolderOf(state)?.root ?? null) ? batch : null;
}

/** Where a file went, for a toast: "name to /the/folder". */
export function exportedWhere(files: readonly string[]): string {
  const first = files[0] ?? '';
  const name = fileName(first);
  const folder = first.length > name.length + 1 ? first.slice(0, first.length - name.length - 1) : first;
  return files.length === 1 ? `${name} to ${folder}` : `${files.length} files to ${folder}`;
}

/**
 * The "overwrite?" question for an 'exists' error: the host's message names the existing files it
 * would replace, and `paths` (the error's) is every one of them, however many the message lists.
 */
export function overwriteQuestion(message: string, paths: readonly string[]): string {
  const count = paths.length;
  const replace = count > 1 ? `Replace all ${count} files?` : count === 1 ? 'Replace this file?' : 'Replace the existing file(s)?';
  return `${message}\n\n${replace}`;
}

/** What the "Export dream" button says about the dream shown (its tooltip). */
export function dreamExportHint(state: Pick<StudioState, 'exportableDreamJob' | 'dreamStatus' | 'frames'>): string {
  if (state.exportableDreamJob) return state.dreamStatus === 'cancelled' ? `The ${state.frames.length} frames made before the cancel` : '';
  if (state.dreamStatus === 'running') return 'The dream is still running: cancel it to export the frames so far, or wait for the end';
  if (state.frames.length > 0 && (state.dreamStatus === 'done' || state.dreamStatus === 'cancelled')) {
    return 'The frames of this dream are no longer kept for export (only the latest dreams are): run it again';
  }
  return 'Run a dream first';
}

/** Where exports go when the user has not chosen: a subfolder of the opened folder. */
export function defaultOutDir(root: string | undefined): string {
  if (!root) return '';
  const separator = root.includes('\\') && !root.includes('/') ? '\\' : '/';
  return `${root.replace(/[\\/]+$/, '')}${separator}convscope-exports`;
}

export const createExportSlice: SliceCreator<ExportSlice> = (set, get) => {
  /** Runs an export; when the host says the file exists, asks before overwriting. */
  async function exportWithConfirm(
    label: string,
    what: ExportRecord['what'],
    call: (jobId: string, overwrite: boolean) => Promise<ExportResult>,
  ): Promise<void> {
    set({ exporting: true });
    try {
      let result: ExportResult | undefined;
      try {
        result = await withJob(get, 'export', label, (jobId) => call(jobId, false), { passThrough: ['exists'] });
      } catch (error) {
        if (errorCode(error) !== 'exists') throw error;
        const overwrite = await get().askConfirm({
          title: 'Overwrite?',
          message: overwriteQuestion(errorMessage(error), errorPaths(error)),
          confirmLabel: 'Overwrite',
        });
        if (!overwrite) return;
        result = await withJob(get, 'export', label, (jobId) => call(jobId, true));
      }
      if (result) {
        set({ lastExport: { what, result } });
        get().toast('success', `Exported ${exportedWhere(result.files)}`);
      }
    } finally {
      set({ exporting: false });
    }
  }

  function outDirOrComplain(): string | null {
    const outDir = get().outDir.trim() || defaultOutDir(get().folders[0]?.root);
    if (!outDir) get().toast('info', 'Type an output folder first.');
    return outDir || null;
  }

  return {
    outDir: '',
    dreamExportKind: 'webp',
    lastExport: null,
    exporting: false,
    batchRawMaps: false,
    batchTemplate: DEFAULT_EXPORT_TEMPLATE,
    batchJob: null,
    lastBatch: null,
    batchNote: null,
    batchRoot: null,

    setBatchRoot: (batchRoot) => set({ batchRoot }),
    setBatchRawMaps: (batchRawMaps) => set({ batchRawMaps }),
    setBatchTemplate: (batchTemplate) => set({ batchTemplate }),

    async exportBatch(scope) {
      const state = get();
      const folder = batchFolderOf(state);
      const paths = scope === 'folder' ? (folder?.photos.map((photo) => photo.path) ?? []) : batchSelectionOf(state);
      if (!paths.length) {
        get().toast('info', scope === 'folder' ? 'Open a folder first.' : 'Pick a photo, or ctrl/⌘-click or shift-click several, first.');
        return;
      }
      const root = scope === 'folder' ? (folder?.root ?? null) : rootOf(state.folders, paths[0]!);
      const spec = explainSettingsOf(state);
      if (!spec) {
        get().toast('info', 'Choose a model first.');
        return;
      }
      const problem = templateError(state.batchTemplate);
      if (problem) {
        get().toast('error', `Name template: ${problem}`);
        return;
      }
      const outDir = outDirOrComplain();
      if (!outDir) return;
      const jobId = newJobId();
      set({ batchJob: jobId, exporting: true, lastBatch: null, batchNote: null });
      let cancelled = false;
      const label = `Batch export (${paths.length} photo${paths.length === 1 ? '' : 's'})`;
      try {
        const result = await withJob(
          get,
          'batch',
          label,
          () => api().call('export:batch', { jobId, paths, spec, outDir, rawMaps: state.batchRawMaps, template: state.batchTemplate, overwrite: false }),
          {
            jobId,
            quietCancel: () => {
              cancelled = true;
              return false;
            },
          },
        );
        if (cancelled) set({ batchNote: 'Cancelled. Press the button again to resume: photos already written are skipped.' });
        if (result) {
          set({ lastBatch: { scope, root, outDir, photos: paths.length, result } });
          get().toast(result.failed.length ? 'info' : 'success', `Batch export: ${result.done} written, ${result.skipped} already done, ${result.failed.length} failed, into ${outDir}`);
        }
      } finally {
        set({ batchJob: null, exporting: false });
      }
    },

    setOutDir: (outDir) => set({ outDir }),
    setDreamExportKind: (dreamExportKind) => set({ dreamExportKind }),

    async pickOutDir() {
      try {
        const picked = await api().call('export:pickFolder', {});
        if (picked) set({ outDir: picked });
      } catch (error) {
        get().toast('error', `Cannot pick a folder: ${errorMessage(error)}`);
      }
    },

    async exportOverlay() {
      const spec = explainSpecOf(get());
      if (!spec) {
        get().toast('info', 'Choose a photo first.');
        return;
      }
      const problem = selectedPhotoProblem(get());
      if (problem) {
        get().toast('error', problem);
        return;
      }
      const outDir = outDirOrComplain();
      if (!outDir) return;
      // What is written is what the canvas shows: a map not shown yet (or out of date) is shown first,
      // and the export then draws the map the compute process just made (it keeps the last few)
      // instead of computing it a second time at once.
      if (get().heatmapKey !== heatmapKeyOf(spec) && get().heatmapJob === null) await get().showHeatmap();
      await exportWithConfirm('Export overlay', 'overlay', (jobId, overwrite) =>
        api().call('export:overlay', { jobId, spec, outDir, overwrite }),
      );
    },

    async exportDream() {
      const dreamJobId = get().exportableDreamJob;
      if (!dreamJobId) {
        get().toast('info', dreamExportHint(get()) || 'Run a dream first.');
        return;
      }
      const outDir = outDirOrComplain();
      if (!outDir) return;
      const what = get().dreamExportKind;
      const frame = get().frames[get().frameIndex]?.index;
      await exportWithConfirm(`Export dream (${what})`, what, (jobId, overwrite) =>
        api().call('export:dream', {
          jobId,
          dreamJobId,
          outDir,
          what,
          ...(what === 'frame' && frame !== undefined ? { frame } : {}),
          fps: get().fps,
          overwrite,
        }),
      );
    },
  };
};

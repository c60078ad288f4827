import type { ExportResult } from '../../../preload/contract';
import { api, errorCode, errorMessage } from '../lib/api';
import { explainSpecOf } from './explain';
import { withJob } from './jobs';
import type { SliceCreator } from './types';

export type DreamExportKind = 'frame' | 'frames' | 'webp' | 'gif';

export interface ExportRecord {
  what: 'overlay' | DreamExportKind;
  result: ExportResult;
}

export interface ExportSlice {
  /** Empty = the default next to the opened folder. */
  outDir: string;
  dreamExportKind: DreamExportKind;
  lastExport: ExportRecord | null;
  exporting: boolean;
  setOutDir(outDir: string): void;
  setDreamExportKind(kind: DreamExportKind): void;
  pickOutDir(): Promise<void>;
  exportOverlay(): Promise<void>;
  exportDream(): Promise<void>;
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
          message: `${errorMessage(error)}\nReplace the existing file(s)?`,
          confirmLabel: 'Overwrite',
        });
        if (!overwrite) return;
        result = await withJob(get, 'export', label, (jobId) => call(jobId, true));
      }
      if (result) {
        set({ lastExport: { what, result } });
        const first = result.files[0]?.split(/[\\/]/).pop() ?? '';
        get().toast('success', result.files.length === 1 ? `Exported ${first}` : `Exported ${result.files.length} files`);
      }
    } finally {
      set({ exporting: false });
    }
  }

  function outDirOrComplain(): string | null {
    const outDir = get().outDir.trim() || defaultOutDir(get().folder?.root);
    if (!outDir) get().toast('info', 'Type an output folder first.');
    return outDir || null;
  }

  return {
    outDir: '',
    dreamExportKind: 'webp',
    lastExport: null,
    exporting: false,

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
      const outDir = outDirOrComplain();
      if (!outDir) return;
      await exportWithConfirm('Export overlay', 'overlay', (jobId, overwrite) =>
        api().call('export:overlay', { jobId, spec, outDir, overwrite }),
      );
    },

    async exportDream() {
      const dreamJobId = get().exportableDreamJob;
      if (!dreamJobId) {
        get().toast('info', 'Run a dream to the end first.');
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
          overwrite,
        }),
      );
    },
  };
};

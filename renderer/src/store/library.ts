import type { FolderListing, PhotoEntry, PhotoSummary } from '../../../preload/contract';
import { api, errorMessage } from '../lib/api';
import type { SliceCreator } from './types';

export type SortBy = 'name' | 'date';
export type SortDir = 'asc' | 'desc';

export interface LibrarySlice {
  folder: FolderListing | null;
  folderInput: string;
  openingFolder: boolean;
  folderError: string | null;
  recentFolders: string[];
  filter: string;
  sortBy: SortBy;
  sortDir: SortDir;
  selectedPath: string | null;
  photoInfo: PhotoSummary | null;
  photoError: string | null;
  /** Per-file reason a thumbnail could not be shown. */
  thumbErrors: Record<string, string>;
  setFolderInput(value: string): void;
  openFolder(path: string, options?: { keepSelection?: boolean; select?: string }): Promise<void>;
  pickFolder(): Promise<void>;
  setFilter(filter: string): void;
  setSort(sortBy: SortBy, sortDir: SortDir): void;
  selectPhoto(path: string | null): void;
  markThumbError(path: string): void;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The photos the grid shows, in order. */
export function visiblePhotos(photos: PhotoEntry[], filter: string, sortBy: SortBy, sortDir: SortDir): PhotoEntry[] {
  const needle = filter.trim().toLowerCase();
  const kept = needle ? photos.filter((photo) => photo.relPath.toLowerCase().includes(needle)) : photos.slice();
  const sign = sortDir === 'asc' ? 1 : -1;
  kept.sort((a, b) =>
    sortBy === 'name'
      ? sign * collator.compare(a.relPath, b.relPath)
      : sign * (a.mtimeMs - b.mtimeMs) || collator.compare(a.relPath, b.relPath),
  );
  return kept;
}

export const createLibrarySlice: SliceCreator<LibrarySlice> = (set, get) => ({
  folder: null,
  folderInput: '',
  openingFolder: false,
  folderError: null,
  recentFolders: [],
  filter: '',
  sortBy: 'name',
  sortDir: 'asc',
  selectedPath: null,
  photoInfo: null,
  photoError: null,
  thumbErrors: {},

  setFolderInput(value) {
    set({ folderInput: value });
  },

  async openFolder(path, options = {}) {
    const trimmed = path.trim();
    if (!trimmed) {
      set({ folderError: 'Type the path of a folder first.' });
      return;
    }
    set({ openingFolder: true, folderError: null });
    try {
      const listing = await api().call('library:open', { path: trimmed });
      const recent = [listing.root, ...get().recentFolders.filter((folder) => folder !== listing.root)].slice(0, 8);
      set({ folder: listing, folderInput: listing.root, recentFolders: recent, thumbErrors: {}, openingFolder: false });
      const selected = get().selectedPath;
      const stillThere = selected && listing.photos.some((photo) => photo.path === selected);
      if (options.select) get().selectPhoto(options.select);
      else if (!(options.keepSelection && stillThere)) get().selectPhoto(null);
    } catch (error) {
      set({ openingFolder: false, folderError: errorMessage(error) });
      const message = errorMessage(error);
      get().toast('error', message.includes(trimmed) ? `Cannot open the folder: ${message}` : `Cannot open ${trimmed}: ${message}`);
    }
  },

  async pickFolder() {
    try {
      const picked = await api().call('library:pickFolder', {});
      if (picked) await get().openFolder(picked);
    } catch (error) {
      get().toast('error', `Cannot pick a folder: ${errorMessage(error)}`);
    }
  },

  setFilter(filter) {
    set({ filter });
  },
  setSort(sortBy, sortDir) {
    set({ sortBy, sortDir });
  },

  selectPhoto(path) {
    if (path === get().selectedPath) return;
    get().resetDream();
    set({
      selectedPath: path,
      photoInfo: null,
      photoError: null,
      classification: null,
      classifyError: null,
      classIndex: null,
      heatmap: null,
      heatmapKey: null,
      featureMaps: null,
      selectedChannel: null,
    });
    if (!path) return;
    api()
      .call('photo:info', { path })
      .then(
        (info) => {
          if (get().selectedPath === path) set({ photoInfo: info });
        },
        (error) => {
          if (get().selectedPath === path) set({ photoError: errorMessage(error) });
        },
      );
    get().scheduleClassify();
  },

  markThumbError(path) {
    if (get().thumbErrors[path]) return;
    set((state) => ({ thumbErrors: { ...state.thumbErrors, [path]: 'Cannot show this file' } }));
    // The <img> error carries no reason; ask the host for one.
    api()
      .call('photo:info', { path })
      .then(
        () => 'The thumbnail could not be made',
        (error: unknown) => errorMessage(error),
      )
      .then((reason) => set((state) => ({ thumbErrors: { ...state.thumbErrors, [path]: reason } })));
  },
});

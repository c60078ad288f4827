import type { FolderListing, PhotoEntry, PhotoSummary } from '../../../preload/contract';
import { api, errorMessage } from '../lib/api';
import { fileName, withoutFileName } from '../lib/text';
import type { SliceCreator } from './types';

export type SortBy = 'name' | 'date';
export type SortDir = 'asc' | 'desc';

export interface LibrarySlice {
  /** Every opened folder (root), in the order they were opened. */
  folders: FolderListing[];
  folderInput: string;
  openingFolder: boolean;
  folderError: string | null;
  recentFolders: string[];
  filter: string;
  sortBy: SortBy;
  sortDir: SortDir;
  selectedPath: string | null;
  /** Photos ticked for batch work (ctrl/cmd-click, shift-click); separate from the picked photo. */
  multiSelection: string[];
  /** Where the next shift-click range starts. */
  selectionAnchor: string | null;
  photoInfo: PhotoSummary | null;
  photoError: string | null;
  /** Per-file reason a thumbnail could not be shown. */
  thumbErrors: Record<string, string>;
  setFolderInput(value: string): void;
  openFolder(path: string, options?: { keepSelection?: boolean; select?: string }): Promise<void>;
  closeFolder(root: string): void;
  pickFolder(): Promise<void>;
  clickPhoto(path: string, modifier: SelectModifier, order: string[]): void;
  clearMultiSelection(): void;
  setFilter(filter: string): void;
  setSort(sortBy: SortBy, sortDir: SortDir): void;
  selectPhoto(path: string | null): void;
  markThumbError(path: string): void;
}

export type SelectModifier = 'none' | 'toggle' | 'range';

/** Every photo of every opened folder. */
export function allPhotos(folders: FolderListing[]): PhotoEntry[] {
  return folders.length === 1 ? folders[0]!.photos : folders.flatMap((folder) => folder.photos);
}

/** The opened folder a photo belongs to (the longest matching root). */
export function rootOf(folders: FolderListing[], path: string): string | null {
  let best: string | null = null;
  for (const { root } of folders) {
    const prefix = root.replace(/[\\/]+$/, '');
    if ((path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}\\`)) && (!best || prefix.length > best.length)) best = root;
  }
  return best;
}

/** Adds a listing, or replaces the one with the same root in place. */
export function withListing(folders: FolderListing[], listing: FolderListing): FolderListing[] {
  const at = folders.findIndex((folder) => folder.root === listing.root);
  if (at < 0) return [...folders, listing];
  return folders.map((folder, index) => (index === at ? listing : folder));
}

/**
 * The ticked photos after a click: toggle flips one photo; range ticks everything between the anchor
 * and the clicked photo in the grid's current order (replacing the previous ticks, like file managers).
 */
export function nextMultiSelection(current: string[], order: string[], anchor: string | null, clicked: string, modifier: SelectModifier): string[] {
  if (modifier === 'none') return [];
  if (modifier === 'toggle') return current.includes(clicked) ? current.filter((path) => path !== clicked) : [...current, clicked];
  const from = anchor ? order.indexOf(anchor) : -1;
  const to = order.indexOf(clicked);
  if (to < 0) return current;
  if (from < 0) return [clicked];
  return order.slice(Math.min(from, to), Math.max(from, to) + 1);
}

/**
 * Why the selected photo cannot be explained, dreamed on or exported (it failed to open), in
 * words for a tooltip; null while it is fine (or still being probed).
 */
export function selectedPhotoProblem(state: Pick<LibrarySlice, 'selectedPath' | 'photoError'>): string | null {
  if (!state.selectedPath || !state.photoError) return null;
  const name = fileName(state.selectedPath);
  return `${name} cannot be opened: ${withoutFileName(state.photoError, name, state.selectedPath)}`;
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
  folders: [],
  folderInput: '',
  openingFolder: false,
  folderError: null,
  recentFolders: [],
  filter: '',
  sortBy: 'name',
  sortDir: 'asc',
  selectedPath: null,
  multiSelection: [],
  selectionAnchor: null,
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
      const folders = withListing(get().folders, listing);
      const present = new Set(allPhotos(folders).map((photo) => photo.path));
      set((state) => ({
        folders,
        folderInput: state.folderInput.trim() === trimmed ? '' : state.folderInput,
        recentFolders: recent,
        thumbErrors: Object.fromEntries(Object.entries(state.thumbErrors).filter(([path]) => rootOf([listing], path) === null)),
        multiSelection: state.multiSelection.filter((path) => present.has(path)),
        openingFolder: false,
      }));
      const selected = get().selectedPath;
      if (options.select) get().selectPhoto(options.select);
      else if (selected && !present.has(selected)) get().selectPhoto(null);
    } catch (error) {
      set({ openingFolder: false, folderError: errorMessage(error) });
      const message = errorMessage(error);
      get().toast('error', message.includes(trimmed) ? `Cannot open the folder: ${message}` : `Cannot open ${trimmed}: ${message}`);
    }
  },

  closeFolder(root) {
    // The host stops serving and watching it; the studio forgets it at once either way.
    void api().call('library:close', { path: root }).catch(() => undefined);
    const folders = get().folders.filter((folder) => folder.root !== root);
    const present = new Set(allPhotos(folders).map((photo) => photo.path));
    set((state) => ({ folders, multiSelection: state.multiSelection.filter((path) => present.has(path)) }));
    const selected = get().selectedPath;
    if (selected && !present.has(selected)) get().selectPhoto(null);
  },

  clickPhoto(path, modifier, order) {
    const { multiSelection, selectionAnchor, selectedPath } = get();
    if (modifier === 'none') {
      set({ multiSelection: [], selectionAnchor: path });
      get().selectPhoto(path);
      return;
    }
    // The first ctrl-click keeps the photo already picked in the selection, as file managers do.
    const current = modifier === 'toggle' && multiSelection.length === 0 && selectedPath && selectedPath !== path ? [selectedPath] : multiSelection;
    const anchor = selectionAnchor ?? selectedPath;
    set({
      multiSelection: nextMultiSelection(current, order, anchor, path, modifier),
      selectionAnchor: modifier === 'toggle' ? path : anchor,
    });
  },

  clearMultiSelection() {
    set({ multiSelection: [] });
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
    const previous = get().selectedPath;
    if (path === previous) return;
    // A running dream is not thrown away silently: ask first (it goes on if the answer is no).
    if (path !== null && get().dreamStatus === 'running') {
      void get().confirmStopDream(path).then((go) => {
        if (!go || get().selectedPath !== previous) return;
        get().switchDreamPhoto(previous, null);
        get().selectPhoto(path);
      });
      return;
    }
    // The dream shown stays with its photo; the one of the photo picked now comes back.
    get().switchDreamPhoto(previous, path);
    set({
      selectedPath: path,
      photoInfo: null,
      photoError: null,
      classification: null,
      classifyError: null,
      classIndex: null,
      heatmap: null,
      heatmapKey: null,
      heatmapSpec: null,
      faithfulness: null,
      faithfulnessKey: null,
      pinnedB: null,
      compareHeatmaps: false,
      featureMaps: null,
      selectedChannel: null,
      // "Wrote …" named the previous photo's files.
      lastExport: null,
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

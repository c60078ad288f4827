import { useMemo, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../lib/api';
import { useStudio } from '../store';
import { allPhotos, visiblePhotos, type SortBy, type SortDir } from '../store/library';
import { ThumbGrid } from './ThumbGrid';
import { PathForm } from '../chrome/PathForm';

const PHOTO_EXTENSION = /\.(jpe?g|png|webp|gif|avif|tiff?|bmp|heic)$/i;

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : path;
}

export function LibraryPanel() {
  const s = useStudio(
    useShallow((state) => ({
      host: state.appInfo?.host,
      folders: state.folders,
      ticked: state.multiSelection.length,
      closeFolder: state.closeFolder,
      clearTicks: state.clearMultiSelection,
      folderInput: state.folderInput,
      opening: state.openingFolder,
      folderError: state.folderError,
      recent: state.recentFolders,
      filter: state.filter,
      sortBy: state.sortBy,
      sortDir: state.sortDir,
      setFolderInput: state.setFolderInput,
      openFolder: state.openFolder,
      pickFolder: state.pickFolder,
      setFilter: state.setFilter,
      setSort: state.setSort,
      toast: state.toast,
    })),
  );
  const [dropping, setDropping] = useState(false);
  const all = useMemo(() => allPhotos(s.folders), [s.folders]);
  const photos = useMemo(() => visiblePhotos(all, s.filter, s.sortBy, s.sortDir), [all, s.filter, s.sortBy, s.sortDir]);
  const skipped = useMemo(() => s.folders.flatMap((folder) => folder.skipped), [s.folders]);
  const hasFolder = s.folders.length > 0;
  const openRoots = new Set(s.folders.map((folder) => folder.root));
  const closedRecent = s.recent.filter((folder) => !openRoots.has(folder));

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDropping(false);
    const files = [...event.dataTransfer.files];
    if (!files.length) return;
    const paths = files.map((file) => api().pathForFile?.(file) ?? null).filter((path): path is string => Boolean(path));
    if (!paths.length) {
      s.toast('info', 'This host cannot read dropped folders: type the folder path and press Open.');
      return;
    }
    // Each dropped folder is added to the library; a dropped photo opens its folder with the photo selected.
    const folders = new Set(paths.map((path) => (PHOTO_EXTENSION.test(path) ? parentOf(path) : path)));
    const photo = paths.find((path) => PHOTO_EXTENSION.test(path));
    void (async () => {
      for (const folder of folders) await s.openFolder(folder, photo && parentOf(photo) === folder ? { select: photo } : {});
    })();
  }

  return (
    <section
      className={`library${dropping ? ' dropping' : ''}`}
      data-testid="library"
      onDragOver={(event) => {
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      <header className="library-head">
        <h1 className="brand">
          Conv<span>scope</span>
        </h1>
        {s.host === 'electron' && (
          <button className="primary" data-testid="pick-folder" onClick={() => void s.pickFolder()}>
            Open folder…
          </button>
        )}
      </header>
      <PathForm
        value={s.folderInput}
        onChange={s.setFolderInput}
        onSubmit={(path) => void s.openFolder(path)}
        busy={s.opening}
        placeholder="/path/to/photos"
        label="Folder path"
        buttonLabel="Open"
        inputTestId="folder-path"
        buttonTestId="open-folder"
      />
      {s.folderError && (
        <p className="inline-error" data-testid="folder-error">
          {s.folderError}
        </p>
      )}
      {hasFolder && (
        <ul className="roots" data-testid="roots">
          {s.folders.map((folder) => (
            <li key={folder.root} className="root" data-testid="root" data-root={folder.root} title={folder.root}>
              <span className="folder-name">{folder.root.split(/[\\/]/).filter(Boolean).pop() ?? folder.root}</span>
              <span className="muted">{folder.photos.length}</span>
              <button className="small icon-button" data-testid="root-remove" aria-label={`Close ${folder.root}`} title="Close this folder" onClick={() => s.closeFolder(folder.root)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {closedRecent.length > 0 && (
        <div className="recent" data-testid="recent-folders">
          <span className="muted">{hasFolder ? 'Add recent' : 'Recent'}</span>
          {closedRecent.map((folder) => (
            <button key={folder} className="link" title={folder} onClick={() => void s.openFolder(folder)}>
              {folder}
            </button>
          ))}
        </div>
      )}
      {hasFolder && (
        <>
          <div className="folder-summary">
            <span className="muted" data-testid="photo-count">
              {photos.length === all.length ? `${photos.length} photos` : `${photos.length} of ${all.length}`}
            </span>
            {s.ticked > 0 && (
              <span className="ticked-count" data-testid="selection-count">
                {s.ticked} selected
                <button className="small link" data-testid="selection-clear" onClick={s.clearTicks}>
                  clear
                </button>
              </span>
            )}
          </div>
          {skipped.length > 0 && (
            <details className="skipped" data-testid="skipped-files">
              <summary>{skipped.length} skipped</summary>
              <ul>
                {skipped.map((entry) => (
                  <li key={entry.path} title={entry.path}>
                    <code>{entry.path.split(/[\\/]/).pop()}</code> — {entry.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <div className="grid-tools">
            <input
              type="search"
              data-testid="filter"
              aria-label="Filter by name"
              placeholder="Filter by name"
              value={s.filter}
              onChange={(event) => s.setFilter(event.target.value)}
            />
            <select
              data-testid="sort"
              aria-label="Sort"
              value={`${s.sortBy}-${s.sortDir}`}
              onChange={(event) => {
                const [by, dir] = event.target.value.split('-') as [SortBy, SortDir];
                s.setSort(by, dir);
              }}
            >
              <option value="name-asc">Name A→Z</option>
              <option value="name-desc">Name Z→A</option>
              <option value="date-desc">Newest first</option>
              <option value="date-asc">Oldest first</option>
            </select>
          </div>
          <ThumbGrid photos={photos} folders={s.folders} />
        </>
      )}
      {!hasFolder && (
        <div className="drop-hint muted">
          {s.host === 'electron' ? 'Open or drop a folder of photos.' : 'Type the path of a folder of photos and press Open.'} Several folders can be open at once.
        </div>
      )}
    </section>
  );
}

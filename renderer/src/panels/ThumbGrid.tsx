import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FolderListing, PhotoEntry } from '../../../preload/contract';
import { api } from '../lib/api';
import { useElementSize } from '../lib/hooks';
import { withoutFileName } from '../lib/text';
import { useStudio } from '../store';
import { rootOf, type SelectModifier } from '../store/library';

const CELL_WIDTH = 96;
const CELL_HEIGHT = 112;
const THUMB_SIZE = 160;
/** Thumbnails smaller than this on both sides (1×1, 10×10 images) are scaled up, pixelated, instead of shown as specks. */
export const TINY_THUMB = 64;

interface ThumbProps {
  photo: PhotoEntry;
  selected: boolean;
  ticked: boolean;
  error: string | undefined;
  /** The opened folder's name, shown when several folders are open. */
  rootName: string | null;
  onPick: (path: string, modifier: SelectModifier) => void;
}

const Thumb = memo(function Thumb({ photo, selected, ticked, error, rootName, onPick }: ThumbProps) {
  const markError = useStudio((state) => state.markThumbError);
  const [tiny, setTiny] = useState(false);
  const shownPath = rootName ? `${rootName}/${photo.relPath}` : photo.relPath;
  return (
    <div
      role="option"
      id={`thumb-${photo.path}`}
      aria-selected={selected}
      aria-checked={ticked}
      className={`thumb${selected ? ' selected' : ''}${ticked ? ' ticked' : ''}${error ? ' broken' : ''}`}
      data-testid={`thumb-${photo.name}`}
      data-path={photo.path}
      title={error ? `${shownPath}\n${error}` : shownPath}
      onClick={(event) => onPick(photo.path, event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'none')}
    >
      {ticked && (
        <span className="thumb-tick" aria-hidden>
          ✓
        </span>
      )}
      <div className="thumb-frame">
        {error ? (
          <div className="thumb-error" data-testid={`thumb-error-${photo.name}`}>
            <span className="thumb-error-icon" aria-hidden>
              !
            </span>
            <span className="thumb-error-text">{withoutFileName(error, photo.name)}</span>
          </div>
        ) : (
          <img
            src={api().photoUrl(photo.path, THUMB_SIZE)}
            alt=""
            loading="lazy"
            decoding="async"
            draggable={false}
            className={tiny ? 'tiny' : undefined}
            onLoad={(event) => setTiny(Math.max(event.currentTarget.naturalWidth, event.currentTarget.naturalHeight) < TINY_THUMB)}
            onError={() => markError(photo.path)}
          />
        )}
      </div>
      <span className="thumb-name">
        {rootName && <span className="thumb-root">{rootName}/</span>}
        {photo.relPath}
      </span>
    </div>
  );
});

export function ThumbGrid({ photos, folders }: { photos: PhotoEntry[]; folders: FolderListing[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(scrollRef);
  const columns = Math.max(1, Math.floor(width / CELL_WIDTH));
  const rows = Math.ceil(photos.length / columns);
  const selectedPath = useStudio((state) => state.selectedPath);
  const thumbErrors = useStudio((state) => state.thumbErrors);
  const select = useStudio((state) => state.selectPhoto);
  const clickPhoto = useStudio((state) => state.clickPhoto);
  const ticked = useStudio((state) => state.multiSelection);
  const tickedSet = useMemo(() => new Set(ticked), [ticked]);
  const order = useMemo(() => photos.map((photo) => photo.path), [photos]);
  const onPick = useCallback((path: string, modifier: SelectModifier) => clickPhoto(path, modifier, order), [clickPhoto, order]);
  const rootNames = useMemo(() => {
    if (folders.length < 2) return null;
    return folders.map((folder) => ({ folder, name: folder.root.split(/[\\/]/).filter(Boolean).pop() ?? folder.root }));
  }, [folders]);
  const rootNameOf = (path: string) => {
    if (!rootNames) return null;
    const root = rootOf(folders, path);
    return rootNames.find((entry) => entry.folder.root === root)?.name ?? null;
  };
  const selectedIndex = photos.findIndex((photo) => photo.path === selectedPath);

  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CELL_HEIGHT,
    overscan: 3,
  });

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(Math.floor(selectedIndex / columns), { align: 'auto' });
  }, [selectedIndex, columns, virtualizer]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!photos.length) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? CELL_HEIGHT) / CELL_HEIGHT));
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns,
      PageDown: columns * pageRows,
      PageUp: -columns * pageRows,
    };
    let next: number | null = null;
    if (event.key in moves) next = selectedIndex < 0 ? 0 : selectedIndex + moves[event.key]!;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = photos.length - 1;
    if (next === null) return;
    event.preventDefault();
    select(photos[Math.max(0, Math.min(photos.length - 1, next))]!.path);
  }

  return (
    <div
      ref={scrollRef}
      className="thumb-grid"
      role="listbox"
      tabIndex={0}
      aria-label="Photos"
      aria-activedescendant={selectedPath ? `thumb-${selectedPath}` : undefined}
      data-testid="thumb-grid"
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="thumb-row"
            style={{ transform: `translateY(${row.start}px)`, height: CELL_HEIGHT, gridTemplateColumns: `repeat(${columns}, 1fr)` }}
          >
            {photos.slice(row.index * columns, row.index * columns + columns).map((photo) => (
              <Thumb
                key={photo.path}
                photo={photo}
                selected={photo.path === selectedPath}
                ticked={tickedSet.has(photo.path)}
                error={thumbErrors[photo.path]}
                rootName={rootNameOf(photo.path)}
                onPick={onPick}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

import { memo, useEffect, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PhotoEntry } from '../../../preload/contract';
import { api } from '../lib/api';
import { useElementSize } from '../lib/hooks';
import { withoutFileName } from '../lib/text';
import { useStudio } from '../store';

const CELL_WIDTH = 96;
const CELL_HEIGHT = 112;
const THUMB_SIZE = 160;

const Thumb = memo(function Thumb({ photo, selected, error }: { photo: PhotoEntry; selected: boolean; error: string | undefined }) {
  const select = useStudio((state) => state.selectPhoto);
  const markError = useStudio((state) => state.markThumbError);
  return (
    <div
      role="option"
      id={`thumb-${photo.path}`}
      aria-selected={selected}
      className={`thumb${selected ? ' selected' : ''}${error ? ' broken' : ''}`}
      data-testid={`thumb-${photo.name}`}
      title={error ? `${photo.relPath}\n${error}` : photo.relPath}
      onClick={() => select(photo.path)}
    >
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
            onError={() => markError(photo.path)}
          />
        )}
      </div>
      <span className="thumb-name">{photo.relPath}</span>
    </div>
  );
});

export function ThumbGrid({ photos }: { photos: PhotoEntry[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(scrollRef);
  const columns = Math.max(1, Math.floor(width / CELL_WIDTH));
  const rows = Math.ceil(photos.length / columns);
  const selectedPath = useStudio((state) => state.selectedPath);
  const thumbErrors = useStudio((state) => state.thumbErrors);
  const select = useStudio((state) => state.selectPhoto);
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
              <Thumb key={photo.path} photo={photo} selected={photo.path === selectedPath} error={thumbErrors[photo.path]} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

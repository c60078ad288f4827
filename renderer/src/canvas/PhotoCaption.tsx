import { useShallow } from 'zustand/react/shallow';
import { fileName, withoutFileName } from '../lib/text';
import { useStudio } from '../store';

export function PhotoCaption({ width, height }: { width: number; height: number }) {
  const { path, info, error } = useStudio(useShallow((state) => ({ path: state.selectedPath, info: state.photoInfo, error: state.photoError })));
  if (!path) return <div className="photo-caption muted">&nbsp;</div>;
  const name = fileName(path);
  const notes = info?.notes ?? [];
  return (
    <div className="photo-caption" data-testid="photo-info" title={path}>
      <strong>{name}</strong>
      {info ? (
        <span className="muted">
          {info.width}×{info.height} · {info.format}
        </span>
      ) : (
        width > 0 && (
          <span className="muted">
            {width}×{height}
          </span>
        )
      )}
      {notes.map((note) => (
        <span key={note} className="note-chip">
          {note}
        </span>
      ))}
      {error && (
        <span className="inline-error" data-testid="photo-error">
          {withoutFileName(error, name)}
        </span>
      )}
    </div>
  );
}

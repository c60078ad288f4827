import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { bytesProgress } from '../lib/text';
import { useStudio } from '../store';
import type { JobEntry } from '../store/ui';
import { SideToggle } from './SidePanels';

const BACKEND_NAMES: Record<string, string> = {
  'tensorflow-gpu': 'TensorFlow GPU',
  tensorflow: 'TensorFlow (native CPU)',
  wasm: 'WebAssembly',
  cpu: 'Plain JavaScript CPU',
};

function Backend() {
  const { runtime, appInfo, appInfoError } = useStudio(
    useShallow((state) => ({ runtime: state.runtime, appInfo: state.appInfo, appInfoError: state.appInfoError })),
  );
  const [open, setOpen] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  // A popover: Escape or a click anywhere else closes it.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    const onPointer = (event: PointerEvent) => {
      if (!boxRef.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer, true);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer, true);
    };
  }, [open]);
  const skipped = runtime?.skipped ?? [];
  const label = runtime ? (BACKEND_NAMES[runtime.backend] ?? runtime.backend) : appInfoError ? 'host unreachable' : 'engine starting…';
  const tooltip = runtime
    ? [runtime.detail, ...skipped.map((entry) => `${entry.backend} skipped: ${entry.reason}`)].filter(Boolean).join('\n')
    : (appInfoError ?? 'The compute process is starting');
  return (
    <div className="backend" ref={boxRef} data-testid="status-backend" data-backend={runtime?.backend ?? ''}>
      <button
        className={`backend-button ${runtime ? `backend-${runtime.backend}` : 'backend-pending'}`}
        title={tooltip}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span className="dot" />
        Engine: <strong>{label}</strong>
        {skipped.length > 0 && <span className="muted"> · {skipped.length} faster skipped</span>}
      </button>
      {open && (
        <div className="backend-details" data-testid="status-backend-details" role="dialog" aria-label="Compute backend">
          <p>
            <strong>{label}</strong>
            {runtime?.detail ? ` — ${runtime.detail}` : ''}
          </p>
          {skipped.length > 0 ? (
            <ul>
              {skipped.map((entry) => (
                <li key={entry.backend}>
                  <strong>{entry.backend}</strong>: {entry.reason}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{runtime ? 'No faster backend was skipped.' : 'Waiting for the compute process.'}</p>
          )}
          {appInfo && (
            <p className="muted">
              Convscope {appInfo.version} · {appInfo.host} host
            </p>
          )}
        </div>
      )}
    </div>
  );
}

export function JobProgress({ job }: { job: JobEntry }) {
  const cancelJob = useStudio((state) => state.cancelJob);
  const fraction = job.total > 0 ? job.done / job.total : null;
  const detail = job.kind === 'download' && (job.done > 0 || job.total > 0) ? bytesProgress(job.done, job.total) : null;
  return (
    <div className="job" data-testid={`job-${job.kind}`}>
      <span className="job-label">{job.label}</span>
      {fraction === null ? <progress /> : <progress value={job.done} max={job.total} />}
      <span className="job-message muted">{job.cancelling ? 'cancelling…' : detail ?? (job.message || (fraction !== null ? `${Math.round(fraction * 100)}%` : ''))}</span>
      <button className="small" data-testid="job-cancel" disabled={job.cancelling} onClick={() => void cancelJob(job.id)}>
        Cancel
      </button>
    </div>
  );
}

export function StatusBar() {
  const jobs = useStudio(useShallow((state) => Object.values(state.jobs)));
  const { roots, count } = useStudio(
    useShallow((state) => ({ roots: state.folders.map((folder) => folder.root).join('\n'), count: state.folders.reduce((sum, folder) => sum + folder.photos.length, 0) })),
  );
  return (
    <footer className="statusbar">
      <SideToggle side="left" />
      <Backend />
      <div className="jobs" data-testid="status-jobs">
        {jobs.map((job) => (
          <JobProgress key={job.id} job={job} />
        ))}
      </div>
      <div className="muted status-folder" title={roots}>
        {roots ? `${count} photo${count === 1 ? '' : 's'}` : 'No folder open'}
      </div>
      <SideToggle side="right" />
    </footer>
  );
}

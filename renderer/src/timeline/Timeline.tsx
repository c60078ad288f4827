import { useEffect, useMemo, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { frameCounter, octaveStarts } from '../store/dream';

/** Steps playback outside React: each tick only moves frameIndex, which the Konva node follows. */
function usePlayback(playing: boolean, fps: number): void {
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const state = useStudio.getState();
      const count = state.frames.length;
      if (count < 2) {
        state.setPlaying(false);
        return;
      }
      useStudio.setState({ frameIndex: (state.frameIndex + 1) % count, followLive: false });
    }, 1000 / fps);
    return () => clearInterval(timer);
  }, [playing, fps]);
}

/** Space plays/pauses, "," and "." step frames, wherever the focus is not in a control. */
function useTimelineShortcuts(): void {
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName))) return;
      const state = useStudio.getState();
      if (!state.frames.length) return;
      if (event.key === ' ') {
        event.preventDefault();
        state.setPlaying(!state.playing);
      } else if (event.key === ',' || event.key === '.') {
        event.preventDefault();
        state.setPlaying(false);
        state.stepFrame(event.key === ',' ? -1 : 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function Timeline() {
  const s = useStudio(
    useShallow((state) => ({
      frames: state.frames,
      index: state.frameIndex,
      playing: state.playing,
      fps: state.fps,
      status: state.dreamStatus,
      compare: state.compare,
      truncated: state.framesTruncated,
      followLive: state.followLive,
      jobId: state.dreamJob,
      label: state.dreamLabel,
      // Frames the running job will make (octaves × steps): its progress events carry the total.
      expected: state.dreamJob && state.dreamStatus === 'running' ? (state.jobs[state.dreamJob]?.total ?? 0) : 0,
      setFrameIndex: state.setFrameIndex,
      stepFrame: state.stepFrame,
      setPlaying: state.setPlaying,
      setFps: state.setFps,
      setCompare: state.setCompare,
      cancel: state.cancelJob,
    })),
  );
  usePlayback(s.playing, s.fps);
  useTimelineShortcuts();
  const count = s.frames.length;
  const starts = useMemo(() => octaveStarts(s.frames), [s.frames]);
  const frame = s.frames[s.index];
  const running = s.status === 'running';

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // The slider handles its own arrows; elsewhere in the timeline they step frames too.
    if ((event.target as HTMLElement).dataset.testid === 'timeline-slider') return;
    if ((event.target as HTMLElement).tagName === 'INPUT') return;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      s.setPlaying(false);
      s.stepFrame(event.key === 'ArrowLeft' ? -1 : 1);
    }
  }

  return (
    <div className={`timeline${count ? '' : ' empty'}`} data-testid="timeline" onKeyDown={onKeyDown}>
      <button
        className="play-button"
        data-testid="play-button"
        aria-pressed={s.playing}
        aria-label={s.playing ? 'Pause' : 'Play'}
        title={`${s.playing ? 'Pause' : 'Play'} (Space) · , and . step frames`}
        disabled={count < 2}
        onClick={() => s.setPlaying(!s.playing)}
      >
        {s.playing ? '❚❚' : '▶'}
      </button>
      <label className="fps" title="Playback speed">
        <input
          type="number"
          data-testid="timeline-fps"
          min={1}
          max={60}
          value={s.fps}
          onChange={(event) => s.setFps(Number(event.target.value))}
        />
        fps
      </label>
      <div className="timeline-track">
        <div className="octave-marks" aria-hidden>
          {count > 1 &&
            starts.map((position) => (
              <span
                key={position}
                className="octave-mark"
                data-testid="octave-mark"
                title={`Octave ${s.frames[position]!.octave + 1} starts`}
                style={{ left: `calc(7px + (100% - 14px) * ${position / (count - 1)})` }}
              >
                {s.frames[position]!.octave + 1}
              </span>
            ))}
        </div>
        <input
          type="range"
          className="timeline-slider"
          data-testid="timeline-slider"
          aria-label="Dream frame"
          min={0}
          max={Math.max(0, count - 1)}
          step={1}
          value={count ? s.index : 0}
          disabled={count === 0}
          onChange={(event) => {
            s.setPlaying(false);
            s.setFrameIndex(Number(event.target.value));
          }}
        />
      </div>
      <div className="frame-info" data-testid="timeline-frame" data-index={count ? s.index : -1}>
        {count ? (
          <>
            {s.label && (
              <span className="timeline-label" data-testid="timeline-label">
                {s.label} ·{' '}
              </span>
            )}
            <strong data-testid="timeline-counter" title={running && s.expected > count ? `${count} of ${s.expected} frames made so far` : undefined}>
              {frameCounter(s.index, count, s.expected, running)}
            </strong>
            {frame && (
              <span className="muted">
                {' '}
                octave {frame.octave + 1} · step {frame.step + 1} · objective {frame.objective.toFixed(3)}
              </span>
            )}
            {running && s.followLive && <span className="live-badge">live</span>}
            {s.truncated && <span className="muted" title="Older frames beyond the limit were not kept"> (truncated)</span>}
          </>
        ) : (
          <span className="muted">{running ? 'Waiting for the first frame…' : 'Run a dream to see its frames here.'}</span>
        )}
      </div>
      <label className="compare-toggle" title="Drag the divider on the canvas: dream on the left, original on the right">
        <input type="checkbox" data-testid="compare-toggle" checked={s.compare} disabled={!count} onChange={(event) => s.setCompare(event.target.checked)} />
        Swipe compare
      </label>
      {running && s.jobId && (
        <button className="small" data-testid="timeline-cancel" onClick={() => void s.cancel(s.jobId!)}>
          Cancel
        </button>
      )}
    </div>
  );
}

import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Section } from '../chrome/Section';
import { NumberField } from '../chrome/NumberField';
import { useStudio } from '../store';
import { currentModel } from '../store/model';
import { selectedPhotoProblem } from '../store/library';
import { DEEP_DREAM_LABEL, dreamChannelError, dreamLayersError, holdsDreamSettings, layersTextOf, modelLayerNames, type DreamParams } from '../store/dream';
import { fileName } from '../lib/text';
import { LayerSelect } from './LayerSelect';

export function statusText(status: string, frames: number, size: string | null, error: string | null, label: string | null, expected = 0): string {
  const visualising = label !== null && label !== DEEP_DREAM_LABEL;
  switch (status) {
    case 'running':
      return `${visualising ? `Visualising ${label}` : 'Dreaming'}… ${expected > frames ? `${frames} of ${expected} frames` : `${frames} frame${frames === 1 ? '' : 's'} so far`}`;
    case 'done':
      return `Done${visualising ? ` (${label})` : ''}: ${frames} frames${size ? ` at ${size}` : ''}`;
    case 'cancelled':
      return `Cancelled after ${frames} frame${frames === 1 ? '' : 's'}${frames > 0 ? ': they can still be exported' : ''}`;
    case 'failed':
      return `Failed${error ? `: ${error}` : ''}`;
    default:
      return 'Ready';
  }
}

export function DreamPanel() {
  const s = useStudio(
    useShallow((state) => ({
      params: state.dreamParams,
      status: state.dreamStatus,
      error: state.dreamError,
      notes: state.dreamNotes,
      frames: state.frames.length,
      result: state.dreamResult,
      jobId: state.dreamJob,
      label: state.dreamLabel,
      // The model's own default layers, as the field writes them ("mixed3:1, mixed5:1").
      defaults: layersTextOf((currentModel(state)?.defaultDreamLayers ?? []).map((name) => ({ name, weight: 1 }))),
      expected: state.dreamJob && state.dreamStatus === 'running' ? (state.jobs[state.dreamJob]?.total ?? 0) : 0,
      modelName: currentModel(state)?.name ?? '',
      // A Set made in the selector would be new on every call (useShallow re-renders forever); built below.
      layers: state.layers,
      layersModel: state.layersModel,
      modelId: state.modelId,
      ready: state.selectedPath !== null && state.modelId !== null,
      problem: selectedPhotoProblem(state),
      setParam: state.setDreamParam,
      resetLayers: state.resetDreamLayers,
      run: state.runDream,
      loadSettings: state.loadDreamSettings,
      shownSpec: state.dreamLabel === DEEP_DREAM_LABEL ? (state.dreamResult?.spec ?? null) : null,
      guide: state.dreamGuide,
      selectedPath: state.selectedPath,
      setGuide: state.setDreamGuide,
      cancel: state.cancelJob,
    })),
  );
  const set = <K extends keyof DreamParams>(key: K) => (value: DreamParams[K]) => s.setParam(key, value);
  const modelLayers = useMemo(() => modelLayerNames(s), [s.layers, s.layersModel, s.modelId]);
  const layersError = s.params.layersText ? dreamLayersError(s.params.layersText, modelLayers, s.modelName) : null;
  const channelError = dreamChannelError(s.params);
  const running = s.status === 'running';
  const settingsLoaded = s.shownSpec !== null && holdsDreamSettings(s.params, s.guide, s.shownSpec);
  return (
    <Section title="Deep Dream" testId="panel-dream">
      <label className="field">
        <span>Layers</span>
        <div className="input-with-button">
          <input
            type="text"
            data-testid="dream-layers"
            spellCheck={false}
            placeholder={s.defaults || 'layer:weight, …'}
            aria-invalid={layersError !== null}
            value={s.params.layersText}
            onChange={(event) => s.setParam('layersText', event.target.value)}
          />
          <button className="small" data-testid="dream-layers-default" title={`Reset to ${s.defaults}`} onClick={s.resetLayers}>
            Default
          </button>
        </div>
      </label>
      {layersError && (
        <p className="inline-error" data-testid="dream-layers-error">
          {layersError}
        </p>
      )}
      <div className="field-grid">
        <label className="field">
          <span>Objective</span>
          <select data-testid="dream-objective" value={s.params.objective} onChange={(event) => s.setParam('objective', event.target.value as DreamParams['objective'])}>
            <option value="mean">Mean activation</option>
            <option value="mean-square">Mean of squares</option>
          </select>
        </label>
        <NumberField label="Octaves" testId="dream-octaves" value={s.params.octaves} min={1} max={8} integer onCommit={set('octaves')} />
        <NumberField label="Octave scale" testId="dream-octave-scale" value={s.params.octaveScale} min={1} max={2} step={0.05} onCommit={set('octaveScale')} />
        <NumberField label="Steps / octave" testId="dream-steps" value={s.params.steps} min={0} max={500} integer onCommit={set('steps')} />
        <NumberField label="Step size" testId="dream-step-size" value={s.params.stepSize} min={0} max={1} step={0.005} onCommit={set('stepSize')} />
        <NumberField
          label="Max size (px)"
          testId="dream-max-size"
          value={s.params.maxSize}
          min={0}
          max={20000}
          step={32}
          integer
          title="Longest side of the dream; 0 = the photo's full size (slow)"
          onCommit={set('maxSize')}
        />
        <NumberField label="Seed" testId="dream-seed" value={s.params.seed} min={0} max={2 ** 31 - 1} integer onCommit={set('seed')} />
        <div className="field">
          <span>&nbsp;</span>
          <button className="small" title="New random seed" onClick={() => s.setParam('seed', Math.floor(Math.random() * 2 ** 31))}>
            New seed
          </button>
        </div>
      </div>
      <div className="subhead">Channel objective (optional)</div>
      <div className="field-grid">
        <LayerSelect
          label="Layer"
          testId="dream-channel-layer"
          emptyLabel="Off: use the layers above"
          value={s.params.channelLayer}
          onChange={(layer) => s.setParam('channelLayer', layer)}
        />
        <label className="field">
          <span>Channel</span>
          <input
            type="number"
            data-testid="dream-channel-index"
            min={0}
            step={1}
            placeholder="e.g. 12"
            disabled={!s.params.channelLayer}
            value={s.params.channelIndex ?? ''}
            onChange={(event) => s.setParam('channelIndex', event.target.value === '' ? null : Math.max(0, Math.floor(Number(event.target.value))))}
          />
        </label>
      </div>
      {channelError && <p className="inline-error">{channelError}</p>}
      <div className="subhead">Guide image (optional)</div>
      <div className="guide-row" data-testid="dream-guide" data-path={s.guide ?? ''}>
        {s.guide ? (
          <>
            <span className="muted">Steer towards</span> <code title={s.guide}>{fileName(s.guide)}</code>
            <button className="small" data-testid="dream-guide-clear" onClick={() => s.setGuide(null)}>
              Clear
            </button>
          </>
        ) : (
          <button
            className="small"
            data-testid="dream-guide-use"
            disabled={!s.selectedPath}
            title="Pick a photo in the library, press this, then pick the photo to dream on"
            onClick={() => s.setGuide(s.selectedPath)}
          >
            Use selected photo as guide
          </button>
        )}
      </div>
      {s.guide && s.params.channelLayer && <p className="hint">A guide image replaces the channel objective.</p>}
      {/* A failed run says its error in the status line below; this is for the fields' problems. */}
      {s.error && s.status !== 'failed' && (
        <p className="inline-error" data-testid="dream-error">
          {s.error}
        </p>
      )}
      <div className="button-row">
        <button
          className="primary"
          data-testid="dream-run"
          disabled={!s.ready || s.problem !== null || running || layersError !== null || channelError !== null}
          title={s.problem ?? 'Dream on the selected photo with the settings above (the same settings and seed give the same frames; New seed gives another dream)'}
          onClick={() => void s.run()}
        >
          Run dream
        </button>
        {s.shownSpec && (
          <button
            data-testid="dream-load-settings"
            disabled={running || settingsLoaded}
            title={
              settingsLoaded
                ? 'The fields above already hold the settings of the dream shown'
                : 'Put the settings of the dream shown (layers, octaves, steps, seed, guide…) back into the fields above, to run it again or vary it'
            }
            onClick={s.loadSettings}
          >
            Load this dream’s settings
          </button>
        )}
        {running && s.jobId && (
          <button data-testid="dream-cancel" onClick={() => void s.cancel(s.jobId!)}>
            Cancel
          </button>
        )}
      </div>
      <p className="dream-status" data-testid="dream-status" data-status={s.status}>
        {statusText(s.status, s.frames, s.result ? `${s.result.width}×${s.result.height}` : null, s.error, s.label, s.expected)}
      </p>
      {s.notes.length > 0 && (
        <ul className="notes" data-testid="dream-notes">
          {s.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </Section>
  );
}

import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ClassScore } from '../../../preload/contract';
import { Section } from '../chrome/Section';
import { JobProgress } from '../chrome/StatusBar';
import { formatPercent, shortLabel } from '../lib/methods';
import { fileName, withoutFileName } from '../lib/text';
import { useStudio } from '../store';
import { currentModel } from '../store/model';
import { PathForm } from '../chrome/PathForm';

const NO_LABELS: string[] = [];
const NO_SCORES: ClassScore[] = [];

function ClassList() {
  const { classification, classIndex, setClassIndex, classifying, classifyError, hasPhoto } = useStudio(
    useShallow((state) => ({
      classification: state.classification,
      classIndex: state.classIndex,
      setClassIndex: state.setClassIndex,
      classifying: state.classifyJob !== null,
      classifyError: state.classifyError && state.selectedPath ? withoutFileName(state.classifyError, fileName(state.selectedPath)) : state.classifyError,
      hasPhoto: state.selectedPath !== null,
    })),
  );
  if (!hasPhoto) return <p className="hint">Pick a photo to see what the model sees.</p>;
  if (!classification) {
    if (classifyError && !classifying) {
      return (
        <p className="inline-error" data-testid="classify-error">
          Cannot classify: {classifyError}
        </p>
      );
    }
    return <p className="hint">{classifying ? 'Classifying…' : 'No classification yet.'}</p>;
  }
  const explained = classIndex ?? classification.top[0]?.index;
  return (
    <ol className="class-list" data-testid="class-list">
      {classification.top.map((entry) => (
        <li key={entry.index}>
          <button
            className={`class-row${entry.index === explained ? ' selected' : ''}`}
            data-testid="class-row"
            data-index={entry.index}
            data-score={entry.score}
            title={`${entry.label} (#${entry.index}) · p = ${entry.score.toFixed(4)} · logit ${entry.logit.toFixed(2)}`}
            onClick={() => setClassIndex(entry.index === classification.top[0]?.index ? null : entry.index)}
          >
            <span className="class-label">{shortLabel(entry.label)}</span>
            <span className="class-score">{formatPercent(entry.score)}</span>
            <span className="class-bar">
              <span style={{ width: `${Math.max(0.5, entry.score * 100)}%` }} />
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}

function ClassPicker() {
  const { labels, top, classIndex, setClassIndex } = useStudio(
    useShallow((state) => ({
      labels: currentModel(state)?.labels ?? NO_LABELS,
      top: state.classification?.top ?? NO_SCORES,
      classIndex: state.classIndex,
      setClassIndex: state.setClassIndex,
    })),
  );
  const [query, setQuery] = useState('');
  const matches = useMemo(() => {
    const needle = query.trim().toLowerCase();
    if (!needle) return [];
    const found: { index: number; label: string }[] = [];
    const asNumber = /^#?\d+$/.test(needle) ? Number(needle.replace('#', '')) : null;
    labels.forEach((label, index) => {
      if (index === asNumber || label.toLowerCase().includes(needle)) found.push({ index, label });
    });
    return found;
  }, [labels, query]);
  const inTop = top.some((entry) => entry.index === classIndex);
  return (
    <div className="class-picker">
      <label className="field">
        <span>Explain class</span>
        <select
          data-testid="class-select"
          value={classIndex ?? ''}
          onChange={(event) => setClassIndex(event.target.value === '' ? null : Number(event.target.value))}
        >
          <option value="">Top class{top[0] ? ` (${shortLabel(top[0].label)})` : ''}</option>
          {top.length > 0 && (
            <optgroup label="Top 5">
              {top.map((entry) => (
                <option key={entry.index} value={entry.index}>
                  {shortLabel(entry.label)} · {formatPercent(entry.score)}
                </option>
              ))}
            </optgroup>
          )}
          {classIndex !== null && !inTop && (
            <optgroup label="Chosen">
              <option value={classIndex}>{shortLabel(labels[classIndex] ?? `class ${classIndex}`)}</option>
            </optgroup>
          )}
        </select>
      </label>
      <input
        type="search"
        data-testid="class-search"
        aria-label="Search all classes"
        placeholder={labels.length ? `Search all ${labels.length} classes…` : 'Search classes…'}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && matches[0]) {
            setClassIndex(matches[0].index);
            setQuery('');
          }
        }}
      />
      {query.trim() && (
        <ul className="class-search-results" data-testid="class-search-results">
          {matches.length === 0 && <li className="muted">No class matches “{query}”.</li>}
          {matches.slice(0, 40).map((match) => (
            <li key={match.index}>
              <button
                data-testid="class-search-result"
                data-index={match.index}
                onClick={() => {
                  setClassIndex(match.index);
                  setQuery('');
                }}
              >
                {match.label} <small className="muted">#{match.index}</small>
              </button>
            </li>
          ))}
          {matches.length > 40 && <li className="muted">…{matches.length - 40} more, keep typing</li>}
        </ul>
      )}
    </div>
  );
}

function OpenModel() {
  const s = useStudio(
    useShallow((state) => ({
      host: state.appInfo?.host,
      input: state.modelPathInput,
      opening: state.openingModel,
      error: state.modelOpenError,
      recent: state.recentModels,
      setInput: state.setModelPathInput,
      open: state.openModel,
      pick: state.pickModelFolder,
      forget: state.forgetRecentModel,
    })),
  );
  return (
    <div className="open-model" data-testid="open-model">
      {s.host === 'electron' ? (
        <div className="button-row">
          <button data-testid="model-pick" disabled={s.opening} onClick={() => void s.pick()}>
            {s.opening ? 'Opening…' : 'Open model…'}
          </button>
          <span className="hint">a tfjs folder: model.json + weights</span>
        </div>
      ) : (
        <PathForm
          value={s.input}
          onChange={s.setInput}
          onSubmit={(path) => void s.open(path)}
          busy={s.opening}
          placeholder="/path/to/tfjs-model-folder"
          label="Model folder path"
          buttonLabel="Open model"
          inputTestId="model-path"
          buttonTestId="model-open"
        />
      )}
      {s.error && (
        <p className="inline-error" data-testid="model-open-error">
          {s.error}
        </p>
      )}
      {s.recent.length > 0 && (
        <div className="recent" data-testid="recent-models">
          <span className="muted">Recent models</span>
          {s.recent.map((folder) => (
            <span key={folder} className="recent-model">
              <button className="link" title={`Open ${folder}`} onClick={() => void s.open(folder)}>
                {folder}
              </button>
              <button className="small icon-button" aria-label={`Forget ${folder}`} title="Forget" onClick={() => s.forget(folder)}>
                ×
              </button>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

function Catalogue() {
  const s = useStudio(
    useShallow((state) => ({
      catalogue: state.catalogue,
      error: state.catalogueError,
      downloadingId: state.downloadingId,
      downloadError: state.downloadError,
      job: state.downloadJob ? state.jobs[state.downloadJob] : undefined,
      load: state.loadCatalogue,
      download: state.downloadModel,
      open: state.openModel,
      models: state.models,
    })),
  );
  return (
    <details
      className="catalogue-box"
      data-testid="catalogue"
      onToggle={(event) => {
        if ((event.target as HTMLDetailsElement).open && !s.catalogue) void s.load();
      }}
    >
      <summary>Catalogue (ImageNet models)</summary>
      {s.error && (
        <p className="inline-error" data-testid="catalogue-error">
          {s.error}
        </p>
      )}
      {!s.catalogue && !s.error && <p className="hint">Loading…</p>}
      {s.catalogue && (
        <ul className="catalogue">
          {s.catalogue.map((entry) => (
            <li key={entry.id} data-testid={`catalogue-${entry.id}`} data-cached={entry.cached}>
              <span title={entry.url}>
                {entry.name} <span className="muted">· {entry.inputSize[0]}×{entry.inputSize[1]}</span>
              </span>
              {entry.cached && entry.folder ? (
                <button className="small" data-testid="catalogue-open" onClick={() => void s.open(entry.folder!)}>
                  Open
                </button>
              ) : (
                <button className="small" data-testid="catalogue-download" disabled={s.downloadingId !== null} onClick={() => void s.download(entry.id)}>
                  {s.downloadingId === entry.id ? 'Downloading…' : 'Download'}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {s.job && <JobProgress job={s.job} />}
      {s.downloadError && (
        <p className="inline-error" data-testid="download-error">
          Download failed: {s.downloadError}
        </p>
      )}
    </details>
  );
}

export function ModelPanel() {
  const { models, modelId, selectModel, modelsError } = useStudio(
    useShallow((state) => ({ models: state.models, modelId: state.modelId, selectModel: state.selectModel, modelsError: state.modelsError })),
  );
  return (
    <Section title="Model & classes" testId="panel-model">
      <label className="field">
        <span>Model</span>
        <select data-testid="model-select" value={modelId ?? ''} onChange={(event) => selectModel(event.target.value)} disabled={!models.length}>
          {!models.length && <option value="">{modelsError ? 'No models' : 'Loading…'}</option>}
          {models.map((model) => (
            <option key={model.id} value={model.id}>
              {model.name} · {model.inputSize[0]}×{model.inputSize[1]}
            </option>
          ))}
        </select>
      </label>
      {modelsError && <p className="inline-error">{modelsError}</p>}
      <OpenModel />
      <Catalogue />
      <ClassList />
      <ClassPicker />
    </Section>
  );
}

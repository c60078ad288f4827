import { useShallow } from 'zustand/react/shallow';
import { Section } from '../chrome/Section';
import { JobProgress } from '../chrome/StatusBar';
import { folderName, withoutFileName } from '../lib/text';
import { templateError } from '../../../preload/contract';
import { useStudio } from '../store';
import { batchFolderOf, batchSelectionOf, defaultOutDir, dreamExportHint, selectionButtonLabel, shownBatchOf, type BatchRecord, type DreamExportKind } from '../store/export';
import { explainSpecOf, heatmapKeyOf } from '../store/explain';
import { selectedPhotoProblem } from '../store/library';
import { METHOD_LABELS, shortLabel } from '../lib/methods';

const DREAM_EXPORTS: Record<DreamExportKind, string> = {
  frame: 'Current frame (PNG)',
  frames: 'All frames (PNG sequence)',
  webp: 'Animated WebP',
  gif: 'Animated GIF',
};

function BatchSummary({ batch }: { batch: BatchRecord }) {
  const { result } = batch;
  return (
    <div className="batch-summary" data-testid="batch-summary" data-done={result.done} data-skipped={result.skipped} data-failed={result.failed.length}>
      <div className="batch-counts">
        <span data-testid="batch-written">
          <strong>{result.done}</strong> written
        </span>
        <span data-testid="batch-skipped" title="Outputs already there (resumed); tick nothing to overwrite them, delete them first">
          <strong>{result.skipped}</strong> already done
        </span>
        <span data-testid="batch-failed" className={result.failed.length ? 'bad' : ''}>
          <strong>{result.failed.length}</strong> failed
        </span>
      </div>
      {result.failed.length > 0 && (
        <ul className="batch-failures" data-testid="batch-failures">
          {result.failed.map((failure) => (
            <li key={failure.path} data-testid="batch-failure" data-path={failure.path} title={failure.path}>
              <code>{failure.path.split(/[\\/]/).pop()}</code> — {withoutFileName(failure.reason, failure.path.split(/[\\/]/).pop() ?? '')}
            </li>
          ))}
        </ul>
      )}
      <div className="muted">
        into <code title={batch.outDir}>{batch.outDir}</code>
        {result.summaryFile && (
          <>
            {' '}
            · summary <code data-testid="batch-summary-file" data-path={result.summaryFile} title={result.summaryFile}>
              {result.summaryFile.split(/[\\/]/).pop()}
            </code>
          </>
        )}
      </div>
    </div>
  );
}

function BatchExport() {
  const s = useStudio(
    useShallow((state) => ({
      folders: state.folders,
      batchFolder: batchFolderOf(state),
      setBatchRoot: state.setBatchRoot,
      selectionCount: batchSelectionOf(state).length,
      selectionLabel: selectionButtonLabel(state),
      rawMaps: state.batchRawMaps,
      template: state.batchTemplate,
      running: state.batchJob !== null,
      job: state.batchJob ? state.jobs[state.batchJob] : undefined,
      exporting: state.exporting,
      hasModel: state.modelId !== null,
      lastBatch: shownBatchOf(state),
      note: state.batchNote,
      setRawMaps: state.setBatchRawMaps,
      setTemplate: state.setBatchTemplate,
      exportBatch: state.exportBatch,
    })),
  );
  const problem = templateError(s.template);
  const blocked = s.exporting || !s.hasModel || problem !== null;
  const folderCount = s.batchFolder?.photos.length ?? 0;
  const batchName = s.batchFolder ? folderName(s.batchFolder.root) : 'the folder';
  return (
    <div className="batch-export" data-testid="batch-export">
      <div className="subhead">Batch: overlays with the current Explain settings</div>
      <label className="field">
        <span>Name template</span>
        <input
          type="text"
          data-testid="batch-template"
          spellCheck={false}
          aria-invalid={problem !== null}
          title="{name} {method} {layer} {class}"
          value={s.template}
          onChange={(event) => s.setTemplate(event.target.value)}
        />
      </label>
      {problem && <p className="inline-error">{problem}</p>}
      <label className="check">
        <input type="checkbox" data-testid="batch-raw" checked={s.rawMaps} onChange={(event) => s.setRawMaps(event.target.checked)} />
        Also write raw maps (.npy, float32) into raw/
      </label>
      {s.folders.length > 1 && (
        <label className="field">
          <span>Folder</span>
          <select data-testid="batch-root" value={s.batchFolder?.root ?? ''} onChange={(event) => s.setBatchRoot(event.target.value)}>
            {s.folders.map(({ root, photos }) => (
              <option key={root} value={root} title={root}>
                {folderName(root)} ({photos.length})
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="button-row">
        <button
          data-testid="batch-folder"
          disabled={blocked || folderCount === 0}
          title={s.batchFolder?.root ?? 'Open a folder first'}
          onClick={() => void s.exportBatch('folder')}
        >
          Export overlays for {batchName} ({folderCount})
        </button>
      </div>
      <div className="button-row">
        <button
          data-testid="batch-selection"
          disabled={blocked || s.selectionCount === 0}
          title={s.selectionCount ? 'Ctrl/⌘-click or shift-click photos in the library to export several' : 'Pick a photo, or ctrl/⌘-click or shift-click several, in the library'}
          onClick={() => void s.exportBatch('selection')}
        >
          {s.selectionLabel}
        </button>
      </div>
      {s.job && <JobProgress job={s.job} />}
      <p className="hint">Photos already exported with the same names are skipped (resume).</p>
      {s.note && !s.running && (
        <p className="hint" data-testid="batch-note">
          {s.note}
        </p>
      )}
      {s.lastBatch && !s.running && <BatchSummary batch={s.lastBatch} />}
    </div>
  );
}

/** What Export overlay writes, said before it is pressed (and that a map not shown yet will be shown). */
function overlayDescription(state: Parameters<typeof explainSpecOf>[0]): string | null {
  const spec = explainSpecOf(state);
  if (!spec) return null;
  const method = METHOD_LABELS[spec.method ?? 'gradcam'];
  const shown = state.heatmap !== null && state.heatmapKey === heatmapKeyOf(spec);
  if (shown) return `Writes the ${method} heatmap shown on the photo.`;
  const label = state.classIndex !== null ? shortLabel(currentLabel(state, state.classIndex)) : 'the top class';
  return `Writes ${method} for ${label}${spec.layer ? ` at ${spec.layer}` : ''}: not on the photo yet, exporting shows it too.`;
}

function currentLabel(state: Parameters<typeof explainSpecOf>[0], index: number): string {
  return state.classification?.top.find((entry) => entry.index === index)?.label ?? `class ${index}`;
}

export function ExportPanel() {
  const s = useStudio(
    useShallow((state) => ({
      host: state.appInfo?.host,
      outDir: state.outDir,
      placeholder: defaultOutDir(state.folders[0]?.root),
      kind: state.dreamExportKind,
      lastExport: state.lastExport,
      exporting: state.exporting,
      hasPhoto: state.selectedPath !== null,
      problem: selectedPhotoProblem(state),
      overlayWhat: overlayDescription(state),
      hasDream: state.exportableDreamJob !== null,
      dreamHint: dreamExportHint(state),
      setOutDir: state.setOutDir,
      pickOutDir: state.pickOutDir,
      setKind: state.setDreamExportKind,
      exportOverlay: state.exportOverlay,
      exportDream: state.exportDream,
    })),
  );
  return (
    <Section title="Export" testId="panel-export">
      <label className="field">
        <span>Output folder</span>
        <div className="input-with-button">
          <input
            type="text"
            data-testid="export-dir"
            spellCheck={false}
            placeholder={s.placeholder || '/path/to/exports'}
            value={s.outDir}
            onChange={(event) => s.setOutDir(event.target.value)}
          />
          {s.host === 'electron' && (
            <button className="small" data-testid="export-pick" onClick={() => void s.pickOutDir()}>
              Choose…
            </button>
          )}
        </div>
      </label>
      <div className="button-row">
        <button
          data-testid="export-overlay"
          disabled={!s.hasPhoto || s.exporting || s.problem !== null}
          title={s.problem ?? (s.hasPhoto ? '' : 'Pick a photo first')}
          onClick={() => void s.exportOverlay()}
        >
          Export overlay
        </button>
        <span className="hint">full resolution + settings sidecar</span>
      </div>
      {s.hasPhoto && !s.problem && s.overlayWhat && (
        <p className="hint" data-testid="export-overlay-what">
          {s.overlayWhat}
        </p>
      )}
      <div className="button-row">
        <select data-testid="dream-export-kind" aria-label="Dream export format" value={s.kind} onChange={(event) => s.setKind(event.target.value as DreamExportKind)}>
          {Object.entries(DREAM_EXPORTS).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
        <button data-testid="export-dream" disabled={!s.hasDream || s.exporting} title={s.dreamHint} onClick={() => void s.exportDream()}>
          Export dream
        </button>
      </div>
      {s.lastExport && (
        <div className="export-result" data-testid="export-result" data-what={s.lastExport.what}>
          <div className="muted">Wrote ({s.lastExport.what}):</div>
          <ul>
            {s.lastExport.result.files.map((file) => (
              <li key={file}>
                <code data-testid="export-file" data-path={file} title={file}>
                  {file}
                </code>
              </li>
            ))}
            {s.lastExport.result.sidecar && (
              <li>
                <code data-testid="export-sidecar" data-path={s.lastExport.result.sidecar} title={s.lastExport.result.sidecar}>
                  {s.lastExport.result.sidecar}
                </code>
              </li>
            )}
          </ul>
        </div>
      )}
      <BatchExport />
    </Section>
  );
}

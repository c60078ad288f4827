import { useShallow } from 'zustand/react/shallow';
import { Section } from '../chrome/Section';
import { useStudio } from '../store';
import { defaultOutDir, type DreamExportKind } from '../store/export';

const DREAM_EXPORTS: Record<DreamExportKind, string> = {
  frame: 'Current frame (PNG)',
  frames: 'All frames (PNG sequence)',
  webp: 'Animated WebP',
  gif: 'Animated GIF',
};

export function ExportPanel() {
  const s = useStudio(
    useShallow((state) => ({
      host: state.appInfo?.host,
      outDir: state.outDir,
      placeholder: defaultOutDir(state.folder?.root),
      kind: state.dreamExportKind,
      lastExport: state.lastExport,
      exporting: state.exporting,
      hasPhoto: state.selectedPath !== null,
      hasDream: state.exportableDreamJob !== null,
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
        <button data-testid="export-overlay" disabled={!s.hasPhoto || s.exporting} onClick={() => void s.exportOverlay()}>
          Export overlay
        </button>
        <span className="hint">full resolution + settings sidecar</span>
      </div>
      <div className="button-row">
        <select data-testid="dream-export-kind" aria-label="Dream export format" value={s.kind} onChange={(event) => s.setKind(event.target.value as DreamExportKind)}>
          {Object.entries(DREAM_EXPORTS).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
        <button data-testid="export-dream" disabled={!s.hasDream || s.exporting} title={s.hasDream ? '' : 'Run a dream to the end first'} onClick={() => void s.exportDream()}>
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
    </Section>
  );
}

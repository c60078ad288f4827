import { useEffect } from 'react';
import { StudioCanvas } from './canvas/StudioCanvas';
import { Banner, ConfirmDialog, Toasts } from './chrome/Feedback';
import { StatusBar } from './chrome/StatusBar';
import { ArchitecturePanel } from './panels/ArchitecturePanel';
import { DreamPanel } from './panels/DreamPanel';
import { ExplainPanel } from './panels/ExplainPanel';
import { ExportPanel } from './panels/ExportPanel';
import { FeatureMapsPanel } from './panels/FeatureMapsPanel';
import { LibraryPanel } from './panels/LibraryPanel';
import { ModelPanel } from './panels/ModelPanel';
import { Timeline } from './timeline/Timeline';
import { useStudio } from './store';

export function App() {
  useEffect(() => {
    const { loadAppInfo, loadModels } = useStudio.getState();
    void loadAppInfo();
    void loadModels();
  }, []);

  return (
    <div className="app">
      <Banner />
      <aside className="left">
        <LibraryPanel />
      </aside>
      <main className="center">
        <StudioCanvas />
        <Timeline />
      </main>
      <aside className="right">
        <ModelPanel />
        <ExplainPanel />
        <FeatureMapsPanel />
        <DreamPanel />
        <ExportPanel />
        <ArchitecturePanel />
      </aside>
      <StatusBar />
      <Toasts />
      <ConfirmDialog />
    </div>
  );
}

import { useEffect, type CSSProperties } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { StudioCanvas } from './canvas/StudioCanvas';
import { Banner, ConfirmDialog, Toasts } from './chrome/Feedback';
import { SideResizer } from './chrome/SidePanels';
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
  const { collapsed, sideWidth } = useStudio(useShallow((state) => ({ collapsed: state.collapsed, sideWidth: state.sideWidth })));
  // Side panel widths: folded away, dragged by the user, or the stylesheet's default for the window size.
  const width = (side: 'left' | 'right') => (collapsed[side] ? '0px' : sideWidth[side] !== null ? `${sideWidth[side]}px` : undefined);
  const style = { '--left-width': width('left'), '--right-width': width('right') } as CSSProperties;

  return (
    <div className={`app${collapsed.left ? ' left-collapsed' : ''}${collapsed.right ? ' right-collapsed' : ''}`} style={style}>
      <Banner />
      <aside className="left" data-testid="side-left" hidden={collapsed.left}>
        <LibraryPanel />
        <SideResizer side="left" />
      </aside>
      <main className="center">
        <StudioCanvas />
        <Timeline />
      </main>
      <aside className="right" data-testid="side-right" hidden={collapsed.right}>
        <div className="right-scroll">
          <ModelPanel />
          <ExplainPanel />
          <FeatureMapsPanel />
          <DreamPanel />
          <ExportPanel />
          <ArchitecturePanel />
        </div>
        <SideResizer side="right" />
      </aside>
      <StatusBar />
      <Toasts />
      <ConfirmDialog />
    </div>
  );
}

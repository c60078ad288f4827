// The side panels' edges: drag to resize (double-click: back to the default width), and the status
// bar's buttons that fold a panel away so a small window keeps room for the canvas and timeline.
import { useRef, type PointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import type { SidePanel } from '../store/ui';

export function SideResizer({ side }: { side: SidePanel }) {
  const setWidth = useStudio((state) => state.setSideWidth);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    const panel = event.currentTarget.parentElement;
    if (!panel) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: panel.getBoundingClientRect().width };
  }
  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    const start = drag.current;
    if (!start) return;
    const delta = event.clientX - start.startX;
    setWidth(side, start.startWidth + (side === 'left' ? delta : -delta));
  }
  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    drag.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
  }

  return (
    <div
      className={`side-resizer side-resizer-${side}`}
      data-testid={`resize-${side}`}
      role="separator"
      aria-orientation="vertical"
      aria-label={side === 'left' ? 'Resize the library' : 'Resize the panels'}
      title="Drag to resize · double-click for the default width"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={() => setWidth(side, null)}
    />
  );
}

/** Fold / unfold buttons for both side panels (in the status bar, which is always visible). */
export function SideToggle({ side }: { side: SidePanel }) {
  const { collapsed, setCollapsed } = useStudio(useShallow((state) => ({ collapsed: state.collapsed[side], setCollapsed: state.setCollapsed })));
  const name = side === 'left' ? 'library' : 'panels';
  return (
    <button
      className="small side-toggle"
      data-testid={`toggle-${side}`}
      aria-pressed={!collapsed}
      title={collapsed ? `Show the ${name}` : `Hide the ${name} (more room for the photo)`}
      onClick={() => setCollapsed(side, !collapsed)}
    >
      {side === 'left' ? (collapsed ? '▸ Library' : '◂ Library') : collapsed ? 'Panels ◂' : 'Panels ▸'}
    </button>
  );
}

import type { AppInfo, HostEvent, RuntimeSummary } from '../../../preload/contract';
import { api, errorMessage } from '../lib/api';
import type { JobKind, SliceCreator } from './types';

export interface JobEntry {
  id: string;
  kind: JobKind;
  label: string;
  done: number;
  total: number;
  message: string;
  cancelling: boolean;
}

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  message: string;
}

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** The button that answers no; default "Cancel". */
  cancelLabel?: string;
  resolve: (answer: boolean) => void;
}

export type CanvasLayer = 'photo' | 'channel' | 'dream';

export type SidePanel = 'left' | 'right';

/** Widths (px) a side panel can be dragged to. */
export const SIDE_WIDTH_LIMITS: Record<SidePanel, [number, number]> = { left: [200, 520], right: [280, 720] };

export function clampSideWidth(side: SidePanel, width: number): number {
  const [low, high] = SIDE_WIDTH_LIMITS[side];
  return Math.round(Math.max(low, Math.min(high, width)));
}

export interface UiSlice {
  appInfo: AppInfo | null;
  appInfoError: string | null;
  runtime: RuntimeSummary | null;
  jobs: Record<string, JobEntry>;
  toasts: Toast[];
  banner: string | null;
  confirm: ConfirmRequest | null;
  /** Opacity of the canvas layers; the heatmap's opacity is 1 − alpha (the Explain setting). */
  layerOpacity: Record<CanvasLayer, number>;
  layerVisible: Record<CanvasLayer | 'heatmap', boolean>;
  /** Side panels the user folded away (small windows), and widths they dragged (null = the default). */
  collapsed: Record<SidePanel, boolean>;
  sideWidth: Record<SidePanel, number | null>;
  setCollapsed(side: SidePanel, collapsed: boolean): void;
  setSideWidth(side: SidePanel, width: number | null): void;
  loadAppInfo(): Promise<void>;
  startJob(id: string, kind: JobKind, label: string): void;
  updateJob(event: Extract<HostEvent, { type: 'progress' }>): void;
  endJob(id: string): void;
  cancelJob(id: string): Promise<void>;
  toast(kind: Toast['kind'], message: string): void;
  dismissToast(id: number): void;
  setBanner(message: string | null): void;
  askConfirm(request: Omit<ConfirmRequest, 'resolve'>): Promise<boolean>;
  answerConfirm(answer: boolean): void;
  setLayerOpacity(layer: CanvasLayer, value: number): void;
  setLayerVisible(layer: CanvasLayer | 'heatmap', visible: boolean): void;
}

let nextToastId = 1;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  appInfo: null,
  appInfoError: null,
  runtime: null,
  jobs: {},
  toasts: [],
  banner: null,
  confirm: null,
  // The channel overlay is opaque colour: let the photo show through it by default.
  layerOpacity: { photo: 1, channel: 0.6, dream: 1 },
  layerVisible: { photo: true, heatmap: true, channel: true, dream: true },
  collapsed: { left: false, right: false },
  sideWidth: { left: null, right: null },

  setCollapsed(side, collapsed) {
    set((state) => ({ collapsed: { ...state.collapsed, [side]: collapsed } }));
  },
  setSideWidth(side, width) {
    set((state) => ({ sideWidth: { ...state.sideWidth, [side]: width === null ? null : clampSideWidth(side, width) } }));
  },

  async loadAppInfo() {
    try {
      const info = await api().call('app:info', {});
      set({ appInfo: info, appInfoError: null, runtime: info.runtime ?? get().runtime });
    } catch (error) {
      set({ appInfoError: errorMessage(error) });
      get().toast('error', `Cannot reach the Convscope host: ${errorMessage(error)}`);
    }
  },

  startJob(id, kind, label) {
    set((state) => ({ jobs: { ...state.jobs, [id]: { id, kind, label, done: 0, total: 0, message: '', cancelling: false } } }));
  },
  updateJob(event) {
    const job = get().jobs[event.jobId];
    if (!job) return;
    set((state) => ({
      jobs: { ...state.jobs, [event.jobId]: { ...job, done: event.done, total: event.total, message: event.message } },
    }));
  },
  endJob(id) {
    set((state) => {
      if (!state.jobs[id]) return {};
      const { [id]: _ended, ...rest } = state.jobs;
      return { jobs: rest };
    });
  },
  async cancelJob(id) {
    const job = get().jobs[id];
    if (!job) return;
    set((state) => ({ jobs: { ...state.jobs, [id]: { ...job, cancelling: true } } }));
    try {
      await api().call('job:cancel', { jobId: id });
    } catch (error) {
      get().toast('error', `Cancel failed: ${errorMessage(error)}`);
    }
  },

  toast(kind, message) {
    const id = nextToastId++;
    set((state) => ({ toasts: [...state.toasts.slice(-4), { id, kind, message }] }));
    const lifetime = kind === 'error' ? 12_000 : 5_000;
    setTimeout(() => get().dismissToast(id), lifetime);
  },
  dismissToast(id) {
    set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
  },
  setBanner(message) {
    set({ banner: message });
  },

  askConfirm(request) {
    get().confirm?.resolve(false);
    return new Promise<boolean>((resolve) => set({ confirm: { ...request, resolve } }));
  },
  answerConfirm(answer) {
    const pending = get().confirm;
    set({ confirm: null });
    pending?.resolve(answer);
  },

  setLayerOpacity(layer, value) {
    set((state) => ({ layerOpacity: { ...state.layerOpacity, [layer]: value } }));
  },
  setLayerVisible(layer, visible) {
    set((state) => ({ layerVisible: { ...state.layerVisible, [layer]: visible } }));
  },
});

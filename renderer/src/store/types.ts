import type { StateCreator } from 'zustand';
import type { LibrarySlice } from './library';
import type { ModelSlice } from './model';
import type { ExplainSlice } from './explain';
import type { DreamSlice } from './dream';
import type { UiSlice } from './ui';
import type { ExportSlice } from './export';

export type StudioState = LibrarySlice & ModelSlice & ExplainSlice & DreamSlice & ExportSlice & UiSlice;

export type SliceCreator<Slice> = StateCreator<StudioState, [['zustand/persist', unknown]], [], Slice>;

export type JobKind = 'classify' | 'heatmap' | 'featureMaps' | 'dream' | 'export' | 'batch' | 'faithfulness' | 'download';

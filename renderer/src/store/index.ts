// The studio's one store, built from slices. Only preferences and recent folders are persisted.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createLibrarySlice } from './library';
import { createModelSlice } from './model';
import { createExplainSlice, DEFAULT_METHOD_OPTIONS } from './explain';
import { createDreamSlice, DEFAULT_DREAM_PARAMS } from './dream';
import { createExportSlice } from './export';
import { createUiSlice } from './ui';
import type { StudioState } from './types';

export type { StudioState };

const PERSISTED_KEYS = [
  'recentFolders',
  'sortBy',
  'sortDir',
  'modelId',
  'recentModels',
  'method',
  'colormap',
  'alpha',
  'threshold',
  'methodOptions',
  'featureSort',
  'channelCrisp',
  'featureTile',
  'dreamParams',
  'fps',
  'outDir',
  'dreamExportKind',
  'batchRawMaps',
  'batchTemplate',
  'layerOpacity',
  'collapsed',
  'sideWidth',
] as const satisfies readonly (keyof StudioState)[];

type Persisted = Pick<StudioState, (typeof PERSISTED_KEYS)[number]>;

export const useStudio = create<StudioState>()(
  persist(
    (...args) => ({
      ...createLibrarySlice(...args),
      ...createModelSlice(...args),
      ...createExplainSlice(...args),
      ...createDreamSlice(...args),
      ...createExportSlice(...args),
      ...createUiSlice(...args),
    }),
    {
      name: 'convscope-studio',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (state): Persisted =>
        Object.fromEntries(PERSISTED_KEYS.map((key) => [key, state[key]])) as Persisted,
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<Persisted>;
        return {
          ...current,
          ...saved,
          // New dream parameters added in later versions get their defaults.
          dreamParams: { ...DEFAULT_DREAM_PARAMS, ...current.dreamParams, ...saved.dreamParams },
          layerOpacity: { ...current.layerOpacity, ...saved.layerOpacity },
          collapsed: { ...current.collapsed, ...saved.collapsed },
          sideWidth: { ...current.sideWidth, ...saved.sideWidth },
          methodOptions: { ...DEFAULT_METHOD_OPTIONS, ...saved.methodOptions },
        };
      },
      migrate: (persisted) => persisted as Persisted,
    },
  ),
);

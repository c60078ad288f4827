// The engine's public entry points.
export * from './types';
export { initRuntime, getRuntime } from './runtime';
export { loadBundledModel, listBundledModels, getModel, isBundledModelId, type BundledModelId } from './bundled';
export { loadModelFromDir } from './loadDir';
export { toModelInput, fromModelInput, pixelsToRange, rangeToPixels } from './preprocess';

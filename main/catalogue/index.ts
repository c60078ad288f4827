// The model catalogue: ImageNet models downloaded on demand into a cache folder.
export { CATALOGUE, listCatalogue, type CatalogueEntry, type CatalogueListing } from './catalogue';
export { downloadModel, type DownloadOptions, type DownloadSource } from './download';
export { deleteCachedModel, isModelCached, modelDir } from './cache';
export { ModelDownloadError, type ModelDownloadErrorCode } from './errors';
export { IMAGENET_LABELS, IMAGENET_LABELS_WITH_BACKGROUND } from './imagenet';
export type { ProgressListener } from './progress';

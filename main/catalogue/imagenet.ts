// ImageNet class names from @tensorflow-models/mobilenet (Apache-2.0): 1000 classes in the standard
// ILSVRC-2012 order. TF-slim / TF Hub classifiers have 1001 outputs with "background" at index 0.
import { IMAGENET_CLASSES } from '@tensorflow-models/mobilenet/dist/imagenet_classes.js';

/** The 1000 ILSVRC-2012 classes, index = class id (Keras applications order). */
export const IMAGENET_LABELS: readonly string[] = Object.freeze(
  Array.from({ length: 1000 }, (_, i) => {
    const label = IMAGENET_CLASSES[i];
    if (typeof label !== 'string') throw new Error(`catalogue: ImageNet class ${i} is missing from @tensorflow-models/mobilenet`);
    return label;
  }),
);

/** 1001 labels for TF-slim / TF Hub models, whose logit 0 is "background". */
export const IMAGENET_LABELS_WITH_BACKGROUND: readonly string[] = Object.freeze(['background', ...IMAGENET_LABELS]);

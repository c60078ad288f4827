import { CLASS_AGNOSTIC_METHODS, LAYER_METHODS, type Method } from '../../../preload/contract';

export const METHOD_LABELS: Record<Method, string> = {
  gradcam: 'Grad-CAM',
  'gradcam++': 'Grad-CAM++',
  xgradcam: 'XGrad-CAM',
  hirescam: 'HiResCAM',
  layercam: 'LayerCAM',
  scorecam: 'Score-CAM',
  eigencam: 'Eigen-CAM',
  'guided-backprop': 'Guided backprop',
  'guided-gradcam': 'Guided Grad-CAM',
  smoothgrad: 'SmoothGrad',
  'integrated-gradients': 'Integrated Gradients',
};

export const METHOD_HINTS: Record<Method, string> = {
  gradcam: 'Channels weighted by their mean gradient. The classic.',
  'gradcam++': 'Weights favour positive gradients; better with several objects of a class.',
  xgradcam: 'Gradients weighted by normalised activations.',
  hirescam: 'Element-wise gradient × activation: faithful to the model, no averaging.',
  layercam: 'Positive gradients × activations per position; works on earlier layers too.',
  scorecam: 'Gradient-free: one forward pass per channel (slow, cancellable).',
  eigencam: 'First principal component of the activations; class-agnostic.',
  'guided-backprop': 'Pixel-level gradients through positive ReLUs only; class-agnostic-looking.',
  'guided-gradcam': 'Guided backprop × Grad-CAM: sharp and class-discriminative.',
  smoothgrad: 'Gradients averaged over noisy copies of the photo.',
  'integrated-gradients': 'Gradients integrated from a black baseline; attributions sum to the score change.',
};

/** Whether the method reads a target layer (saliency methods work on the input). */
export function usesLayer(method: Method): boolean {
  return LAYER_METHODS.includes(method);
}

/** Methods whose map ignores the chosen class (the host says so per result: HeatmapResult.classAgnostic). */
export function isClassAgnostic(method: Method): boolean {
  return CLASS_AGNOSTIC_METHODS.includes(method);
}

export function formatShape(shape: number[]): string {
  return shape.map((size) => (size < 0 || size === null ? '?' : String(size))).join('×');
}

export function formatPercent(score: number): string {
  if (score >= 0.995) return '100%';
  if (score < 0.001) return '<0.1%';
  return `${(score * 100).toFixed(score < 0.1 ? 1 : 0)}%`;
}

/** ImageNet labels often read "tabby, tabby cat": show the first name, keep the rest as a tooltip. */
export function shortLabel(label: string): string {
  return label.split(',')[0]!.trim();
}

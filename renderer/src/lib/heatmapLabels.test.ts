import { describe, expect, it } from 'vitest';
import { compareLabel, layerLabel, methodTitle, pinnedLabel } from './heatmapLabels';

const gradcam = { method: 'gradcam', layer: 'mixed10', classAgnostic: false, classIndex: 281, label: 'tabby, tabby cat' } as const;
const smoothgrad = { method: 'smoothgrad', layer: null, classAgnostic: false, classIndex: 281, label: 'tabby, tabby cat' } as const;
const eigencam = { method: 'eigencam', layer: 'mixed10', classAgnostic: true, classIndex: 281, label: 'tabby, tabby cat' } as const;

describe('heatmap labels', () => {
  it('names input-space maps instead of a null layer', () => {
    expect(layerLabel(smoothgrad)).toBe('input-space map');
    expect(pinnedLabel(smoothgrad)).toBe('SmoothGrad · input-space map · tabby');
    expect(compareLabel(smoothgrad, gradcam)).toBe('SmoothGrad · input-space map');
    expect(compareLabel(gradcam, smoothgrad)).toBe('Grad-CAM · mixed10');
  });
  it('says class-agnostic for Eigen-CAM and leaves its class out', () => {
    expect(methodTitle(eigencam)).toBe('Eigen-CAM (class-agnostic)');
    expect(pinnedLabel(eigencam)).toBe('Eigen-CAM (class-agnostic) · mixed10');
    expect(compareLabel(eigencam, gradcam)).toBe('Eigen-CAM (class-agnostic)');
    expect(compareLabel(gradcam, eigencam)).toBe('Grad-CAM · tabby');
  });
  it('adds the class only when the two sides differ in it', () => {
    expect(compareLabel(gradcam, { ...gradcam, method: 'layercam' })).toBe('Grad-CAM');
    expect(compareLabel(gradcam, { ...gradcam, classIndex: 1, label: 'goldfish' })).toBe('Grad-CAM · tabby');
  });
});

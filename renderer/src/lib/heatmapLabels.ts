// How a heatmap result is named in the result card, the pinned B card and the A|B compare labels.
import type { HeatmapResult } from '../../../preload/contract';
import { METHOD_LABELS, shortLabel } from './methods';

type Labelled = Pick<HeatmapResult, 'method' | 'layer' | 'classAgnostic' | 'classIndex' | 'label'>;

export const INPUT_SPACE = 'input-space map';

/** The explained layer, or "input-space map" for saliency methods (layer null). */
export function layerLabel(map: Pick<HeatmapResult, 'layer'>): string {
  return map.layer ?? INPUT_SPACE;
}

/** "Eigen-CAM (class-agnostic)" for methods that ignore the class, else the method's name. */
export function methodTitle(map: Pick<HeatmapResult, 'method' | 'classAgnostic'>): string {
  return map.classAgnostic ? `${METHOD_LABELS[map.method]} (class-agnostic)` : METHOD_LABELS[map.method];
}

/** Pinned B in one line: method · layer · class. */
export function pinnedLabel(map: Labelled): string {
  const parts = [methodTitle(map), layerLabel(map)];
  if (!map.classAgnostic) parts.push(shortLabel(map.label));
  return parts.join(' · ');
}

/** A heatmap's method, plus whatever else differs from the other side (layer, class). */
export function compareLabel(map: Labelled, other: Labelled | null): string {
  const parts = [methodTitle(map)];
  if (other && other.layer !== map.layer) parts.push(layerLabel(map));
  if (other && !map.classAgnostic && (other.classAgnostic || other.classIndex !== map.classIndex)) parts.push(shortLabel(map.label));
  return parts.join(' · ');
}

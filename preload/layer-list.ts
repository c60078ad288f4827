// A dream's layer list as people type it ("mixed3:1, mixed5:1.5"): one parser for the studio's
// field and the CLI's --layers, checked against the limits dreamSpec enforces.
import { MAX_DREAM_LAYERS, MAX_LAYER_WEIGHT } from './contract';

export interface LayerWeight {
  name: string;
  weight: number;
}

export type LayerListProblem =
  /** Not `name` or `name:weight`; `part` as typed between separators (untrimmed). */
  | { kind: 'syntax'; part: string }
  | { kind: 'not-a-number'; part: string; name: string }
  | { kind: 'out-of-range'; name: string }
  | { kind: 'too-many' }
  | { kind: 'empty' };

/**
 * Layers separated by commas or new lines, each `name` or `name:weight` (weight 1 when left out).
 * `layers` holds every entry that parsed, weights out of range included; `problems` lists what is
 * wrong in the order it appears in the text.
 */
export function parseLayerList(text: string): { layers: LayerWeight[]; problems: LayerListProblem[] } {
  const layers: LayerWeight[] = [];
  const problems: LayerListProblem[] = [];
  for (const part of text.split(/[,\n]/)) {
    const token = part.trim();
    if (!token) continue;
    const match = /^([^:\s]+)\s*(?::\s*(\S+))?$/.exec(token);
    if (!match) {
      problems.push({ kind: 'syntax', part });
      continue;
    }
    const name = match[1]!;
    const weight = match[2] === undefined ? 1 : Number(match[2]);
    if (!Number.isFinite(weight)) {
      problems.push({ kind: 'not-a-number', part, name });
      continue;
    }
    if (Math.abs(weight) > MAX_LAYER_WEIGHT) problems.push({ kind: 'out-of-range', name });
    layers.push({ name, weight });
  }
  if (layers.length > MAX_DREAM_LAYERS) problems.push({ kind: 'too-many' });
  if (layers.length === 0) problems.push({ kind: 'empty' });
  return { layers, problems };
}

// A dream's parameters.json (and the fields of a dream export's sidecar): one builder for the CLI's
// `dream --out` and the studio's dream exports, so "dream again like this" (`dream --params`) reads
// every one the same way: the spec under `parameters`.
import type { DreamSpec } from '../../preload/contract';

export interface DreamRecord {
  /** The photo dreamed on (for a feature visualisation: its layer-channel name). */
  photo: string;
  /** The parameters actually used (defaults filled). */
  parameters: DreamSpec;
  frames: number;
  /** The dreamed size; unknown until the first frame. */
  width?: number;
  height?: number;
  /** What the dream said about itself (clamped octaves, no gradient, …), when known. */
  notes?: readonly string[];
  /** Cancelled part-way: `frames` are the ones made until then. */
  cancelled?: boolean;
}

export function dreamRecord(dream: DreamRecord): Record<string, unknown> {
  return {
    kind: 'deep-dream',
    photo: dream.photo,
    parameters: dream.parameters,
    frames: dream.frames,
    ...(dream.width !== undefined ? { width: dream.width, height: dream.height } : {}),
    ...(dream.notes ? { notes: [...dream.notes] } : {}),
    ...(dream.cancelled ? { cancelled: true } : {}),
  };
}

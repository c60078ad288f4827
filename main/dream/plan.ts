import type { ModelSpec } from '../engine/types';
import type { DreamSpec } from '../../preload/contract';
import { DreamError } from './errors';

export interface Size {
  width: number;
  height: number;
}

export interface DreamPlan {
  /** Size of the dreamed image (the photo fitted inside spec.maxSize). */
  working: Size;
  /** Octave sizes, smallest first; the last one is `working`. */
  octaves: Size[];
  /** Frames the dream yields: octaves.length × spec.steps. */
  totalSteps: number;
  /** e.g. octave clamping. */
  notes: string[];
}

/** The photo fitted inside maxSize (never enlarged); 0 keeps the full size. */
export function workingSize(photo: Size, maxSize: number): Size {
  const longest = Math.max(photo.width, photo.height);
  if (maxSize <= 0 || longest <= maxSize) return { width: photo.width, height: photo.height };
  const scale = maxSize / longest;
  return {
    width: Math.max(1, Math.round(photo.width * scale)),
    height: Math.max(1, Math.round(photo.height * scale)),
  };
}

type PlanModel = Pick<ModelSpec, 'name' | 'minSize'>;
type PlanSpec = Pick<DreamSpec, 'maxSize' | 'octaves' | 'octaveScale' | 'steps'>;

export function dreamPlan(model: PlanModel, photo: Size, spec: PlanSpec): DreamPlan {
  const working = workingSize(photo, spec.maxSize);
  const shortest = Math.min(working.width, working.height);
  if (shortest < model.minSize) {
    throw new DreamError(
      'too-small',
      `The image is ${working.width}×${working.height} px; ${model.name} needs at least ${model.minSize} px on the short side.`,
    );
  }
  const octaves: Size[] = [];
  for (let k = 0; k < spec.octaves; k++) {
    const factor = Math.pow(spec.octaveScale, k);
    const size = { width: Math.round(working.width / factor), height: Math.round(working.height / factor) };
    if (Math.min(size.width, size.height) < model.minSize) break;
    octaves.unshift(size);
  }
  const notes: string[] = [];
  if (octaves.length < spec.octaves) {
    notes.push(
      `Octaves reduced from ${spec.octaves} to ${octaves.length}: the smallest side must stay at least ${model.minSize} px for ${model.name}.`,
    );
  }
  return { working, octaves, totalSteps: octaves.length * spec.steps, notes };
}

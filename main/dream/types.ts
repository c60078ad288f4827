import type { RgbImage } from '../image/types';
import type { DreamPlan } from './plan';

export interface DreamFrame {
  /** 0-based over the whole dream; total = dreamPlan(...).totalSteps. */
  index: number;
  /** 0-based, smallest octave first. */
  octave: number;
  /** 0-based within the octave. */
  step: number;
  /** Objective value measured for this step's gradient (before the step was applied). */
  objective: number;
  /** The image after this step, at this octave's size. */
  image: RgbImage;
  /** True for the first step of an octave. */
  octaveStart: boolean;
  /** Every note raised so far in this dream (cumulative), e.g. "no gradient: …". */
  notes: string[];
}

/** The generator's return value (read it with gen.next() until done). */
export interface DreamOutcome {
  /** Final image at the working size; for steps = 0 the (fitted) input itself. */
  image: RgbImage;
  frames: number;
  /** The plan followed (absent for feature visualisation). */
  plan?: DreamPlan;
  notes: string[];
}


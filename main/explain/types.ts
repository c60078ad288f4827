import type { Method } from '../../preload/contract';

/** A single-channel map in row-major order (index = y·width + x). Raw values, not normalised. */
export interface RawMap {
  data: Float32Array;
  width: number;
  height: number;
}

export type ProgressFn = (done: number, total: number, message: string) => void;

export interface ExplainOptions {
  method: Method;
  /** Target layer for CAM methods and Guided Grad-CAM; ignored by the pure saliency methods. */
  layer: string;
  classIndex: number;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Score-CAM: keep only the N channels with the highest mean activation (default: all). */
  scorecamChannels?: number;
  /** Score-CAM: masked images per forward pass (default 16). */
  scorecamBatch?: number;
  /** SmoothGrad: noisy copies (default: explainSpec's samples). */
  smoothgradSamples?: number;
  /** SmoothGrad: noise σ as a fraction of the model's input range (default 0.15). */
  smoothgradSigma?: number;
  /** Integrated Gradients: path intervals (default: explainSpec's steps; trapezoid rule, so steps + 1 gradients). */
  igSteps?: number;
  /** Seed for every random choice (SmoothGrad noise). Default 1. */
  seed?: number;
}

export interface ExplainOutput {
  /** Layer resolution for CAM methods, input resolution for saliency methods. */
  map: RawMap;
  /** Things the user should see next to the picture, e.g. "no positive evidence for this class". */
  notes: string[];
  /** Integrated Gradients only: |Σ attributions − (f(x) − f(x′))| / |f(x) − f(x′)|. */
  completenessGap?: number;
}

export type ExplainErrorCode = 'bad-class' | 'bad-input' | 'bad-option';

/** A request explain cannot serve; the message names what is wrong. */
export class ExplainError extends Error {
  constructor(
    readonly code: ExplainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExplainError';
  }
}

export const NO_POSITIVE_EVIDENCE = 'no positive evidence for this class';

// The engine's public shape. Every consumer (explain, dream, services, CLI) codes against these.
import type * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface RuntimeInfo {
  /** The backend every tensor runs on. */
  backend: BackendName;
  /** One human line, e.g. "WebAssembly (SIMD, 1 thread)". */
  detail: string;
  /** Faster backends that were tried and not used, with why. */
  skipped: { backend: BackendName; reason: string }[];
}

export interface LayerInfo {
  name: string;
  className: string;
  /** Output shape without the batch axis; e.g. [8, 8, 2048] or [5]. */
  outputShape: number[];
  params: number;
  /** True for rank-3 outputs (H×W×C) that Grad-CAM can target. */
  spatial: boolean;
}

export interface ModelSpec {
  /** 'inception_v3', 'mobilenet_v2', or a folder path for a user model. */
  id: string;
  name: string;
  /** [height, width] the model expects. */
  inputSize: [number, number];
  /** Pixel values 0..255 map linearly onto [min, max]. */
  inputRange: [number, number];
  labels: string[];
  /** Smallest input side the convolutions accept (dream octaves stop above it). */
  minSize: number;
  /** Last spatial layer whose map still depends on the whole image. */
  defaultCamLayer: string;
  defaultDreamLayers: string[];
}

/**
 * Special output name for the class scores every method explains: the logits (the input of the
 * output softmax/sigmoid); a single sigmoid output z gets a second, "not", class scored −z.
 */
export const LOGITS = '@logits';

/** The activation that turns LOGITS into the model's own output ('linear': the model outputs logits). */
export type OutputActivation = 'softmax' | 'sigmoid' | 'linear';

export interface GradientOptions {
  /** Guided backprop: ReLU passes gradient only where input and gradient are both positive. */
  guided?: boolean;
}

export interface CnnModel extends ModelSpec {
  layers: LayerInfo[];
  /** How probabilities follow from LOGITS (see engine/scores.ts); absent: softmax. */
  outputActivation?: OutputActivation;
  /**
   * Forward pass (no tape). `input` is [N,h,w,3] already in the model's input range (any h,w for
   * fully convolutional prefixes). Returns the requested activations; `LOGITS` gives the
   * class scores [N, classes]. The caller disposes every returned tensor.
   */
  run(input: tf.Tensor4D, outputs: string[]): Record<string, tf.Tensor>;
  /**
   * Grad-CAM's need: A = activation of `layer`, g = d logit[classIndex] / dA (head only).
   * Throws EngineError('unknown-layer') naming the layer, leaking nothing.
   */
  layerGradient(
    input: tf.Tensor4D,
    layer: string,
    classIndex: number,
  ): { activation: tf.Tensor4D; gradient: tf.Tensor4D; logits: tf.Tensor2D };
  /**
   * Gradient of a scalar objective w.r.t. the input image. `objective` receives the activations
   * of `outputs` (names or LOGITS) and returns a scalar; it runs inside the gradient tape.
   */
  inputGradient(
    input: tf.Tensor4D,
    outputs: string[],
    objective: (activations: Record<string, tf.Tensor>) => tf.Scalar,
    options?: GradientOptions,
  ): { value: number; gradient: tf.Tensor4D };
  /**
   * The filters of the first convolution that reads the RGB image (shape [kh, kw, 3, filters]),
   * or null when the model has none the engine can show.
   */
  firstConvFilters(): { layer: string; shape: [number, number, number, number]; data: Float32Array } | null;
  dispose(): void;
}

export class EngineError extends Error {
  constructor(
    readonly code: 'unknown-layer' | 'not-spatial' | 'bad-model' | 'unsupported-layer' | 'unsupported' | 'no-backend',
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

// Input gradients of the class logit for batches of images built in JS.
import * as tf from '@tensorflow/tfjs-core';
import { LOGITS, type CnnModel } from '../../engine/types';
import { classLogit } from '../base';

export interface ImageShape {
  height: number;
  width: number;
}

/** d logit[classIndex] / d input for each image of a batch, HWC per image, concatenated. */
export async function logitGradients(
  model: CnnModel,
  images: Float32Array,
  count: number,
  shape: ImageShape,
  classIndex: number,
  guided = false,
): Promise<Float32Array> {
  const batch = tf.tensor4d(images, [count, shape.height, shape.width, 3]);
  try {
    const { gradient } = model.inputGradient(batch, [LOGITS], classLogit(classIndex), { guided });
    try {
      return (await gradient.data()) as Float32Array;
    } finally {
      gradient.dispose();
    }
  } finally {
    batch.dispose();
  }
}

/** Images per gradient call for SmoothGrad and Integrated Gradients: bounded memory. */
export const GRADIENT_BATCH = 8;

// Bilinear resize of interleaved float pixels with half-pixel centres, identical to
// tf.image.resizeBilinear(x, [outHeight, outWidth], alignCorners = false, halfPixelCenters = true).
// Plain typed arrays (no tensors, no Node): heatmaps, dream octaves and the renderer share it.
export function resizeBilinear(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  if (!(outWidth >= 1 && outHeight >= 1) || !Number.isInteger(outWidth) || !Number.isInteger(outHeight)) {
    throw new RangeError(`resizeBilinear: target size must be positive integers; got ${outWidth}×${outHeight}.`);
  }
  const out = new Float32Array(outWidth * outHeight * channels);
  const columns = axisSamples(width, outWidth);
  const rows = axisSamples(height, outHeight);
  for (let y = 0; y < outHeight; y++) {
    const { low: top, high: bottom, t: ty } = rows[y];
    const upperRow = top * width;
    const lowerRow = bottom * width;
    for (let x = 0; x < outWidth; x++) {
      const { low: left, high: right, t: tx } = columns[x];
      const target = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) {
        const upper = data[(upperRow + left) * channels + c] * (1 - tx) + data[(upperRow + right) * channels + c] * tx;
        const lower = data[(lowerRow + left) * channels + c] * (1 - tx) + data[(lowerRow + right) * channels + c] * tx;
        out[target + c] = upper * (1 - ty) + lower * ty;
      }
    }
  }
  return out;
}

function axisSamples(inSize: number, outSize: number): { low: number; high: number; t: number }[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => {
    const source = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), inSize - 1);
    const low = Math.floor(source);
    return { low, high: Math.min(low + 1, inSize - 1), t: source - low };
  });
}

// Manual check of failure 9 with the real engine: `npx tsx main/dream/testing/full-res-run.ts [photo] [model]`
// dreams a 5120×2880 image (tile 512, 1 octave, 1 step) and prints time and peak RSS.
import sharp from 'sharp';
import { dreamSpec } from '../../../preload/contract';
import { initRuntime } from '../../engine/runtime';
import { loadBundledModel, type BundledModelId } from '../../engine/bundled';
import { photo } from '../../testing/paths';
import { dream } from '../index';

const file = process.argv[2] ?? photo('everyday/rocket.jpg');
const modelId = (process.argv[3] ?? 'inception_v3') as BundledModelId;
await initRuntime({ prefer: 'wasm' });
const model = await loadBundledModel(modelId);
const { data, info } = await sharp(file).resize(5120, 2880, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
const spec = dreamSpec.parse({ path: file, model: modelId, maxSize: 0, tile: 512, octaves: 1, steps: 1 });
const started = Date.now();
for await (const frame of dream(model, image, spec)) {
  console.log(`frame ${frame.index}: ${frame.image.width}×${frame.image.height}, objective ${frame.objective.toFixed(4)}`);
}
const mb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s, peak RSS ${mb} MB`);
model.dispose();

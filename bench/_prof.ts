import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '../main/engine/runtime';
import { getModel } from '../main/engine/bundled';
await initRuntime();
const m = await getModel('inception_v3');
const x = tf.randomUniform([1, 299, 299, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const step = () => { const { gradient } = m.inputGradient(x, ['mixed3'], (a) => tf.mean(a.mixed3) as tf.Scalar); gradient.dataSync(); gradient.dispose(); };
const fwd = () => { const o = m.run(x, ['mixed3']); o.mixed3.dataSync(); o.mixed3.dispose(); };
for (const [name, f] of [['fwd', fwd], ['step', step]] as const) {
  f();
  const info = await tf.profile(f);
  const agg: Record<string, [number, number]> = {};
  for (const k of info.kernels) { const a = (agg[k.name] ??= [0, 0]); a[0] += k.kernelTimeMs as number; a[1]++; }
  console.log(name, Object.entries(agg).sort((a, b) => b[1][0] - a[1][0]).slice(0, 14).map(([k, [t, n]]) => `${k} ${t.toFixed(1)}ms x${n}`).join('\n  '));
  if (name === 'step') { const top = info.kernels.filter((k) => k.name === 'Conv2D').map((k) => [Math.round(k.kernelTimeMs as number), JSON.stringify(k.inputShapes)]).sort((a: any, b: any) => b[0] - a[0]); console.log(top.slice(0, 10)); }
}

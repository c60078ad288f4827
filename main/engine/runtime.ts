// Picks the fastest tfjs backend that works here: tfjs-node-gpu → tfjs-node → wasm → cpu.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { EngineError, type BackendName, type RuntimeInfo } from './types';

// Not named `require`: electron-vite's CommonJS shim declares that name in the bundled chunk.
const requireFromHere = createRequire(import.meta.url);
const LADDER: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
const NODE_PACKAGE: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let current: RuntimeInfo | undefined;
let pending: Promise<RuntimeInfo> | undefined;

/** The backend in use, or undefined before initRuntime() finished. */
export function getRuntime(): RuntimeInfo | undefined {
  return current;
}

function forcedBackend(): BackendName | undefined {
  const raw = process.env.CONVSCOPE_BACKEND?.trim();
  if (!raw) return undefined;
  if ((LADDER as string[]).includes(raw)) return raw as BackendName;
  throw new EngineError(
    'no-backend',
    `CONVSCOPE_BACKEND="${raw}" is not one of ${LADDER.join(', ')}`,
  );
}

/** Idempotent: the first call decides; later calls return the same info. */
export function initRuntime(options: { prefer?: BackendName } = {}): Promise<RuntimeInfo> {
  if (current) return Promise.resolve(current);
  pending ??= chooseBackend(options.prefer).then(
    (info) => (current = info),
    (error) => {
      pending = undefined;
      throw error;
    },
  );
  return pending;
}

async function chooseBackend(prefer?: BackendName): Promise<RuntimeInfo> {
  const forced = forcedBackend();
  const skipped: RuntimeInfo['skipped'] = [];
  let candidates = LADDER;
  if (forced) candidates = [forced];
  else if (prefer) candidates = LADDER.slice(LADDER.indexOf(prefer));
  for (const backend of candidates) {
    const attempt = await tryBackend(backend);
    if (typeof attempt === 'string') {
      skipped.push({ backend, reason: attempt });
      continue;
    }
    return { backend, detail: attempt.detail, skipped };
  }
  const reasons = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
  throw new EngineError('no-backend', `no TensorFlow.js backend could start (${reasons})`);
}

/** Returns a detail line on success or the reason for failure. */
async function tryBackend(backend: BackendName): Promise<{ detail: string } | string> {
  try {
    switch (backend) {
      case 'tensorflow-gpu':
      case 'tensorflow':
        return await tryNode(backend);
      case 'wasm':
        return await tryWasm();
      case 'cpu':
        if (!(await tf.setBackend('cpu'))) return 'the cpu backend failed to start';
        await tf.ready();
        return { detail: 'pure JavaScript CPU (slow: last resort)' };
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function tryNode(backend: 'tensorflow-gpu' | 'tensorflow'): Promise<{ detail: string } | string> {
  const pkg = NODE_PACKAGE[backend]!;
  try {
    requireFromHere.resolve(pkg);
  } catch {
    return 'not installed (its libtensorflow download needs internet at install time)';
  }
  try {
    // Registers the "tensorflow" backend on our tfjs-core instance (same pinned 4.22.0).
    requireFromHere(pkg);
  } catch (error) {
    return `installed but failed to load: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return 'the tensorflow backend failed to start';
  await tf.ready();
  if (backend === 'tensorflow-gpu') {
    const gpu = hasGpuDevice();
    if (!gpu) {
      // tfjs-node-gpu silently runs on the CPU when CUDA 11.2/cuDNN 8.1 are missing.
      return 'no usable GPU (CUDA 11.2 + cuDNN 8.1 not found; libtensorflow fell back to CPU)';
    }
    return { detail: `libtensorflow with GPU (${gpu})` };
  }
  return { detail: 'libtensorflow (native CPU)' };
}

function hasGpuDevice(): string | undefined {
  try {
    const backend = tf.backend() as unknown as {
      binding?: { isUsingGpuDevice?: () => boolean };
    };
    if (backend.binding?.isUsingGpuDevice?.()) return 'CUDA';
  } catch {
    /* fall through */
  }
  return undefined;
}

async function tryWasm(): Promise<{ detail: string } | string> {
  // The folder holding the .wasm files; resolved at run time so it works unbundled and bundled.
  const wasmDir = dirname(requireFromHere.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${wasmDir}/`);
  if (!(await tf.setBackend('wasm'))) return 'the WebAssembly backend failed to start';
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = getThreadsCount();
  return {
    detail: `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`,
  };
}

// Entry of the compute process: loads the tensor runtime once, then answers calls from main.
import { initRuntime } from '../engine/runtime';
import { jobIdInUse, toApiError } from '../services/errors';
import { computeServices } from '../services/compute';
import { disposeAllDreams } from '../services/compute/dream-jobs';
import type { JobContext } from '../services/compute/context';
import { connectToParent } from './port';

const parent = connectToParent();
const running = new Map<string, AbortController>();

const runtimeReady = initRuntime().then((runtime) => {
  parent.send({ type: 'event', event: { type: 'runtime', runtime } });
  return runtime;
});

async function shutdown(): Promise<never> {
  for (const controller of running.values()) controller.abort();
  await disposeAllDreams().catch(() => undefined);
  process.exit(0);
}

// A Node parent that goes away (crash, kill) closes the IPC channel: do not outlive it.
process.on('disconnect', () => void shutdown());

parent.onMessage(async (message) => {
  if (message.type === 'shutdown') return void shutdown();
  if (message.type === 'cancel') {
    running.get(message.jobId)?.abort();
    return;
  }
  // One running job per id: a second call under an id that is still running would take over its
  // cancel (and lose it when it ends), so it is refused; the running job is untouched.
  if (running.has(message.jobId)) {
    parent.send({ type: 'result', id: message.id, envelope: { ok: false, error: toApiError(jobIdInUse(message.jobId)) } });
    return;
  }
  const controller = new AbortController();
  running.set(message.jobId, controller);
  const context: JobContext = {
    jobId: message.jobId,
    signal: controller.signal,
    emit: (event) => parent.send({ type: 'event', event }),
    progress: (done, total, text) => parent.send({ type: 'event', event: { type: 'progress', jobId: message.jobId, done, total, message: text } }),
  };
  try {
    await runtimeReady;
    if (!Object.hasOwn(computeServices, message.method)) throw new Error(`unknown compute method ${message.method}`);
    // The parent is our own ComputeHost, whose calls are typed by ComputeMethods.
    const service = computeServices[message.method] as (params: unknown, context: JobContext) => Promise<unknown>;
    const result = await service(message.params, context);
    parent.send({ type: 'result', id: message.id, envelope: { ok: true, result } });
  } catch (error) {
    parent.send({ type: 'result', id: message.id, envelope: { ok: false, error: toApiError(error) } });
  } finally {
    if (running.get(message.jobId) === controller) running.delete(message.jobId);
  }
});

parent.send({ type: 'ready' });

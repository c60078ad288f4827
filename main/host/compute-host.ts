// Main's handle on the compute process: calls with job ids, progress events, cancel, and a
// restart when the process dies (native crash, out of memory, killed) so the app never goes down.
import { ApiError, type HostEvent, type RuntimeSummary } from '../../preload/contract';
import type { ComputeMethod, ComputeParams, ComputeResult, FromCompute, ToCompute } from './protocol';

export interface ComputeChild {
  pid: number | undefined;
  postMessage(message: ToCompute): void;
  onMessage(listener: (message: FromCompute) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

interface PendingCall {
  method: string;
  jobId: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const MAX_RESTARTS_PER_MINUTE = 5;
const SHUTDOWN_GRACE_MS = 3000;

export class ComputeHost {
  private child: ComputeChild | null = null;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;
  private restarts: number[] = [];
  private stopped = false;
  runtime: RuntimeSummary | null = null;

  constructor(
    private readonly spawn: () => ComputeChild,
    private readonly emit: (event: HostEvent) => void = () => {},
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child || this.stopped) return;
    const child = this.spawn();
    this.child = child;
    child.onMessage((message) => this.receive(message));
    child.onExit((code, signal) => this.exited(child, code, signal));
  }

  call<M extends ComputeMethod>(method: M, params: ComputeParams<M>, jobId: string): Promise<ComputeResult<M>> {
    this.start();
    const id = this.nextId++;
    return new Promise<ComputeResult<M>>((resolve, reject) => {
      this.pending.set(id, { method, jobId, resolve: resolve as (value: unknown) => void, reject });
      try {
        this.child!.postMessage({ type: 'call', id, jobId, method, params });
      } catch (error) {
        this.pending.delete(id);
        reject(new ApiError('compute-crashed', `the compute engine is not running (${error instanceof Error ? error.message : String(error)}); try again`));
      }
    });
  }

  cancel(jobId: string): boolean {
    const running = [...this.pending.values()].some((call) => call.jobId === jobId);
    if (running) this.child?.postMessage({ type: 'cancel', jobId });
    return running;
  }

  /** Ends the compute process for good (app quit, CLI done): it cleans up, or is killed after a grace period. */
  stop(): void {
    this.stopped = true;
    const child = this.child;
    this.child = null;
    if (!child) return;
    try {
      child.postMessage({ type: 'shutdown' });
    } catch {
      child.kill();
      return;
    }
    const killer = setTimeout(() => child.kill(), SHUTDOWN_GRACE_MS);
    child.onExit(() => clearTimeout(killer));
  }

  private receive(message: FromCompute): void {
    if (message.type === 'event') {
      if (message.event.type === 'runtime') this.runtime = message.event.runtime;
      this.emit(message.event);
      return;
    }
    if (message.type !== 'result') return;
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    if (message.envelope.ok) call.resolve(message.envelope.result);
    else call.reject(new ApiError(message.envelope.error.code, message.envelope.error.message, message.envelope.error.paths));
  }

  private exited(child: ComputeChild, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.stopped) return;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    const interrupted = [...this.pending.values()];
    this.pending.clear();
    for (const call of interrupted) {
      call.reject(new ApiError('compute-crashed', `the compute engine stopped (${how}) during ${call.method}; the job failed and the engine was restarted`));
    }
    const now = Date.now();
    this.restarts = this.restarts.filter((time) => now - time < 60_000);
    if (this.restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      this.emit({ type: 'compute-restarted', reason: `the compute engine stopped (${how}) ${MAX_RESTARTS_PER_MINUTE} times in a minute; it will restart on the next job` });
      return;
    }
    this.restarts.push(now);
    this.emit({ type: 'compute-restarted', reason: `the compute engine stopped (${how}) and was restarted` });
    this.start();
  }
}

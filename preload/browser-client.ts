// The browser host's implementation of the contract: the same calls over one WebSocket.
// The page was served by `convscope serve` with ?token=…; every request carries that token.
import {
  ApiError,
  type ConvscopeApi,
  type HostEvent,
  type ApiMethod,
  type RequestOf,
  type Results,
  type SocketMessage,
} from './contract';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export function createBrowserClient(location: Location = window.location): ConvscopeApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`;
  const listeners = new Set<(event: HostEvent) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const socket = new WebSocket(socketUrl);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new ApiError('internal', 'cannot reach the Convscope host')), { once: true });
  });
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as SocketMessage;
    if ('event' in data) {
      for (const listener of listeners) listener(data.event);
      return;
    }
    const waiting = pending.get(data.id);
    if (!waiting) return;
    pending.delete(data.id);
    if (data.envelope.ok) waiting.resolve(data.envelope.result);
    else waiting.reject(new ApiError(data.envelope.error.code, data.envelope.error.message, data.envelope.error.paths));
  });
  let closed = false;
  opened.catch(() => undefined); // reported by the first call instead
  socket.addEventListener('close', () => {
    closed = true;
    for (const waiting of pending.values()) waiting.reject(new ApiError('internal', 'the Convscope host closed the connection'));
    pending.clear();
  });

  return {
    async call<M extends ApiMethod>(method: M, request: RequestOf<M>): Promise<Results[M]> {
      await opened;
      if (closed) throw new ApiError('internal', 'the Convscope host closed the connection; reload the page after restarting it');
      const id = nextId++;
      return new Promise<Results[M]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.send(JSON.stringify({ id, method, request }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    photoUrl(path, thumbnailSize) {
      const query = new URLSearchParams({ path, token });
      if (thumbnailSize) query.set('thumb', String(thumbnailSize));
      return `/media?${query.toString()}`;
    },
  };
}

// The compute process's link to its parent: Electron's utilityProcess parentPort or a Node fork's IPC.
import type { FromCompute, ToCompute } from './protocol';

interface ParentPortLike {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface ParentLink {
  send(message: FromCompute): void;
  onMessage(listener: (message: ToCompute) => void): void;
}

export function connectToParent(): ParentLink {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as ToCompute)),
    };
  }
  if (!process.send) throw new Error('the compute process must be started by Convscope (no parent link)');
  return {
    send: (message) => process.send!(message),
    onMessage: (listener) => process.on('message', (message) => listener(message as ToCompute)),
  };
}

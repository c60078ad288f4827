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
    // After the parent has gone (Ctrl-C while starting) there is no one to tell: the 'disconnect'
    // handler shuts this process down, so a send then is dropped instead of throwing.
    send: (message) => {
      if (process.connected) process.send!(message, undefined, {}, () => undefined);
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as ToCompute)),
  };
}

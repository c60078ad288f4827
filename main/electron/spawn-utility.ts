// Starts the compute process as an Electron utilityProcess (its crash never takes the window down).
import { utilityProcess } from 'electron';
import type { ComputeChild } from '../host/compute-host';
import type { FromCompute } from '../host/protocol';

export function spawnUtilityCompute(entry: string): ComputeChild {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Convscope compute', stdio: 'inherit' });
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message) => listener(message as FromCompute)),
    onExit: (listener) => child.on('exit', (code) => listener(code, null)),
    kill: () => {
      child.kill();
    },
  };
}

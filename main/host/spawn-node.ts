// Starts the compute process as a Node child process (browser host and CLI).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ComputeChild } from './compute-host';
import type { FromCompute } from './protocol';

// Not named `require`, as in main/engine: in a bundle, electron-vite's CommonJS shim declares that name.
const requireFromHere = createRequire(import.meta.url);

/**
 * The compute entry of the hosts that run the sources (CLI and browser host, through tsx): the .ts
 * source next to this file. This module is not part of any bundle; to run the built engine
 * (out/main/compute.js, as Electron does) pass that path — a .js entry is forked with plain Node.
 */
export function defaultComputeEntry(): string {
  return fileURLToPath(new URL('./compute-process.ts', import.meta.url));
}

export function spawnNodeCompute(entry = defaultComputeEntry()): ComputeChild {
  const execArgv = entry.endsWith('.ts') ? ['--import', pathToFileURL(requireFromHere.resolve('tsx')).href] : [];
  const child = fork(entry, [], {
    execArgv: [...execArgv, '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    // Its own process group: a terminal's Ctrl-C reaches the CLI, which cancels the job cleanly,
    // instead of killing the engine mid-write. It exits when the parent's IPC channel closes.
    detached: true,
  });
  return {
    pid: child.pid,
    postMessage: (message) => {
      if (!child.connected) throw new Error('the compute process is not running');
      child.send(message);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as FromCompute)),
    onExit: (listener) => {
      child.on('exit', (code, signal) => listener(code, signal));
      // A failed spawn or send emits 'error' (and maybe no 'exit'); treat it as the process ending.
      child.on('error', () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
    },
    kill: () => child.kill('SIGKILL'),
  };
}

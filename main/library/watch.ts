// Tells the library when anything under a folder changes, debounced into one call per burst.
// Node 20's recursive fs.watch works on Linux (inotify on every subfolder, added as they appear).
import { watch, type FSWatcher } from 'node:fs';

export const DEFAULT_DEBOUNCE_MS = 300;

/** Starts watching; returns a function that stops it. Errors (folder deleted, too many watches) end watching quietly. */
export function watchFolder(root: string, onChange: () => void, debounceMs = DEFAULT_DEBOUNCE_MS): () => void {
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    watcher?.close();
    watcher = null;
  };
  const changed = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  };
  try {
    watcher = watch(root, { recursive: true, persistent: false }, changed);
    watcher.on('error', stop);
  } catch {
    stop();
  }
  return stop;
}

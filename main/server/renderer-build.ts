// The browser host serves the built renderer; build it once if this checkout has not yet.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { APP_ROOT } from '../app-version';

export async function ensureRendererBuilt(): Promise<string> {
  const dir = join(APP_ROOT, 'out', 'renderer');
  if (existsSync(join(dir, 'index.html'))) return dir;
  process.stderr.write('Building the studio (first run)…\n');
  const build = spawnSync(process.execPath, [join(APP_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: APP_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0 || !existsSync(join(dir, 'index.html'))) throw new Error('could not build the studio (npm run build failed)');
  return dir;
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Convscope's package.json, found by walking up from this file (source tree or out/). */
function findPackageJson(): { version: string; path: string } {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'convscope') return { version: parsed.version ?? '0.0.0', path: candidate };
    }
    folder = dirname(folder);
  }
  return { version: '0.0.0', path: '' };
}

const found = findPackageJson();
export const APP_VERSION = found.version;
/** The repository (or packaged app) root. */
export const APP_ROOT = found.path ? dirname(found.path) : process.cwd();

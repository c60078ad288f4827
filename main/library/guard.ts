// Which files the media route may serve: regular image files inside a folder the user opened,
// judged on real paths (symlinks resolved) with path.relative — a bare startsWith would let
// /photos-evil through /photos. Hidden files and folders inside an opened folder are refused too.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { hasImageExtension } from '../image/limits';
import { resolveFolder } from './walk';

/** Is `child` the folder `parent` itself or inside it? Both must be real, absolute paths. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The innermost of `roots` holding `path` (the longest match), or null. Real, absolute paths. */
export function innermostRoot(roots: readonly string[], path: string): string | null {
  let best: string | null = null;
  for (const root of roots) if (isInside(root, path) && (best === null || root.length > best.length)) best = root;
  return best;
}

export class FolderGuard {
  private readonly allowed: string[] = [];

  /** Adds a folder the user opened; returns its real path. Rejects (FolderError) if it is not an existing folder. */
  async allow(root: string): Promise<string> {
    const real = await resolveFolder(root);
    if (!this.allowed.includes(real)) this.allowed.push(real);
    return real;
  }

  /** Stops serving a folder by its real path (as `allow` returned it); true if it was open. */
  forget(root: string): boolean {
    const index = this.allowed.indexOf(root);
    if (index >= 0) this.allowed.splice(index, 1);
    return index >= 0;
  }

  /**
   * Stops serving a folder the user closed, named by any path to it (symlinks and trailing
   * separators resolved as when it was opened). Returns the real root that was closed, or null.
   */
  async close(path: string): Promise<string | null> {
    const candidates = [await realpath(path).catch(() => null), resolve(path), path];
    const real = candidates.find((candidate): candidate is string => candidate !== null && this.allowed.includes(candidate));
    if (real) this.forget(real);
    return real ?? null;
  }

  /** The opened folder a (real) path belongs to: the innermost one when opened folders nest. */
  rootOf(path: string): string | null {
    return innermostRoot(this.allowed, path);
  }

  roots(): string[] {
    return [...this.allowed];
  }

  /** The real path of `requested` if it may be served, else null. */
  async resolve(requested: string): Promise<string | null> {
    if (typeof requested !== 'string' || requested.length === 0 || requested.includes('\0')) return null;
    if (!isAbsolute(requested) || requested.split(/[\\/]/).includes('..')) return null;
    let real: string;
    try {
      real = await realpath(requested);
      if (!(await stat(real)).isFile()) return null;
    } catch {
      return null;
    }
    if (!hasImageExtension(real)) return null;
    for (const root of this.allowed) {
      if (!isInside(root, real)) continue;
      const hidden = relative(root, real).split(sep).some((part) => part.startsWith('.'));
      if (!hidden) return real;
    }
    return null;
  }
}

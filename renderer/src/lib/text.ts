/**
 * Host messages name the file; the badge sits under the name already. `path`, when known, is
 * dropped as a whole too (a folder with a space in its name).
 */
export function withoutFileName(reason: string, name: string, path?: string): string {
  if (path && reason.startsWith(path)) return reason.slice(path.length).replace(/^[\s:—-]+/, '') || reason;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const stripped = reason.replace(new RegExp(`^"?[^\\s"]*?${escaped}"?[\\s:—-]+`), '');
  return stripped || reason;
}

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The last part of a folder path, for labels ("/photos/trip/" → "trip"). */
export function folderName(root: string): string {
  return fileName(root.replace(/[\\/]+$/, '')) || root;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** Download progress as bytes: "3.2 MB of 14.0 MB" (total 0 = unknown). */
export function bytesProgress(done: number, total: number): string {
  return total > 0 ? `${formatBytes(done)} of ${formatBytes(total)}` : formatBytes(done);
}

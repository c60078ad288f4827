/** Host messages name the file; the badge sits under the name already. */
export function withoutFileName(reason: string, name: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const stripped = reason.replace(new RegExp(`^"?[^\\s"]*?${escaped}"?[\\s:—-]+`), '');
  return stripped || reason;
}

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

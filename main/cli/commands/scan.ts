import { resolve } from 'node:path';
import { scanFolder } from '../../library/scan';

export async function scanCommand(folder: string, options: { json?: boolean }): Promise<void> {
  const entries = await scanFolder(resolve(folder));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return;
  }
  for (const entry of entries) {
    const size = entry.width && entry.height ? `${entry.width}×${entry.height}` : '-';
    const status = entry.status === 'ok' ? 'ok' : `error: ${entry.reason}`;
    const notes = entry.notes.length ? `\t(${entry.notes.join('; ')})` : '';
    process.stdout.write(`${entry.path}\t${entry.format ?? '-'}\t${size}\t${status}${notes}\n`);
  }
  const failed = entries.filter((entry) => entry.status === 'error').length;
  process.stderr.write(`${entries.length} files, ${entries.length - failed} ok, ${failed} with errors\n`);
}

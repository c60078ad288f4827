import { resolve } from 'node:path';
import { CliSession } from '../session';

export async function classifyCommand(image: string, options: { model: string; top: number; json?: boolean }): Promise<void> {
  const session = new CliSession();
  try {
    const path = resolve(image);
    const result = await session.run('classify', { path, model: options.model, top: options.top });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ path, ...result })}\n`);
      return;
    }
    const width = Math.max(...result.top.map((entry) => entry.label.length));
    for (const entry of result.top) {
      process.stdout.write(`${entry.label.padEnd(width)}  ${(entry.score * 100).toFixed(2).padStart(6)}%  (index ${entry.index}, logit ${entry.logit.toFixed(3)})\n`);
    }
  } finally {
    session.close();
  }
}

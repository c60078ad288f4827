import { APP_VERSION } from '../../app-version';
import { CliSession } from '../session';

export async function infoCommand(options: { json?: boolean }): Promise<void> {
  const session = new CliSession();
  try {
    const runtime = await session.run('runtime', {});
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ version: APP_VERSION, ...runtime })}\n`);
      return;
    }
    process.stdout.write(`Convscope ${APP_VERSION}\n`);
    process.stdout.write(`backend: ${runtime.backend} (${runtime.detail})\n`);
    for (const skipped of runtime.skipped) process.stdout.write(`not used: ${skipped.backend}: ${skipped.reason}\n`);
  } finally {
    session.close();
  }
}

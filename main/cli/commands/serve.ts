import { startBrowserHost } from '../../server/browser-host';
import { createAppCore, defaultUserDataDir } from '../../services/app-core';
import { spawnNodeCompute } from '../../host/spawn-node';
import { ensureRendererBuilt } from '../../server/renderer-build';

export async function serveCommand(options: { port: number; host: string }): Promise<void> {
  const rendererDir = await ensureRendererBuilt();
  const core = createAppCore({ hostKind: 'browser', spawnCompute: () => spawnNodeCompute(), userDataDir: defaultUserDataDir() });
  const host = await startBrowserHost({ core, rendererDir, port: options.port, host: options.host });
  // The URL is the first line on stdout: scripts and tests read it.
  process.stdout.write(`${host.url}\n`);
  process.stderr.write('Convscope studio is running; open the URL above in a browser. Ctrl-C stops it.\n');
  const stop = async (): Promise<void> => {
    await host.close();
    core.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

import { contentSecurityPolicy } from '../csp';

// The security settings of the studio window, in one object that tests can check without Electron.
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

/** The page's CSP, sent as a response header for every renderer file. */
export const ELECTRON_CSP = contentSecurityPolicy({ images: ['convscope-media:'] });

/** Only our own pages may be shown; everything else is refused. */
export function isAppUrl(url: string, rendererUrl: string): boolean {
  try {
    const target = new URL(url);
    const own = new URL(rendererUrl);
    return target.protocol === own.protocol && target.host === own.host && target.pathname === own.pathname;
  } catch {
    return false;
  }
}

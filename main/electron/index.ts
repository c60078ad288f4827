// Electron main: one secure window, the app:// and media schemes, the menu, and the shared handler table.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type OpenDialogOptions } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostEvent } from '../../preload/contract';
import { EVENT_CHANNEL, INVOKE_CHANNEL, MEDIA_SCHEME } from '../../preload/channels';
import { createAppCore, type AppCore } from '../services/app-core';
import { photoResponse } from '../services/media';
import { APP_INDEX_URL, APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES, appFileResponse, mediaHeaders } from './app-protocol';
import { ELECTRON_CSP, isAppUrl, secureWebPreferences } from './security';
import { spawnUtilityCompute } from './spawn-utility';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '../renderer');

// Before ready: the page's own origin (app://convscope, see app-protocol.ts) and the photo scheme.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);

// Tests (and users who want a separate profile) point the user-data folder elsewhere.
if (process.env.CONVSCOPE_USER_DATA) app.setPath('userData', process.env.CONVSCOPE_USER_DATA);

let core: AppCore;
let window: BrowserWindow | null = null;

/** The studio window while it is alive: a closed window's webContents must not be used. */
function liveWindow(): BrowserWindow | null {
  return window && !window.isDestroyed() && !window.webContents.isDestroyed() ? window : null;
}

function sendToWindow(event: HostEvent): void {
  liveWindow()?.webContents.send(EVENT_CHANNEL, event);
}

async function pickFolder(title: string): Promise<string | null> {
  const options: OpenDialogOptions = { title, properties: ['openDirectory'] };
  const parent = liveWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** electron-vite's dev server, only in development: a packaged app always loads its own files. */
function devServerUrl(): string | undefined {
  return app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
}

function rendererUrl(): string {
  return devServerUrl() ?? APP_INDEX_URL;
}

/** The origin the page runs in (Node's URL gives "null" for custom schemes, so not new URL().origin). */
function pageOrigin(): string {
  const dev = devServerUrl();
  return dev ? new URL(dev).origin : APP_ORIGIN;
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Convscope',
    backgroundColor: '#15171c',
    webPreferences: secureWebPreferences(join(here, '../preload/index.cjs')),
  });
  window.on('closed', () => {
    window = null;
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererUrl())) event.preventDefault();
  });
  void window.loadURL(rendererUrl());
}

function buildMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          {
            label: 'Open Folder…',
            accelerator: 'CmdOrCtrl+O',
            click: async () => {
              const folder = await pickFolder('Open a photo folder');
              if (folder) sendToWindow({ type: 'folder-changed', root: folder });
            },
          },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );
}

app.whenReady().then(() => {
  core = createAppCore({
    hostKind: 'electron',
    spawnCompute: () => spawnUtilityCompute(join(here, 'compute.js')),
    userDataDir: app.getPath('userData'),
    pickFolder: () => pickFolder('Open a photo folder'),
    pickExportFolder: () => pickFolder('Choose the export folder'),
    pickModelFolder: () => pickFolder('Open a tfjs model folder (model.json + weights)'),
  });
  core.onEvent(sendToWindow);

  const dev = devServerUrl();
  if (dev) {
    // The dev server's pages get the same policy as a header; app:// sets its own headers.
    session.defaultSession.webRequest.onHeadersReceived({ urls: [`${new URL(dev).origin}/*`] }, (details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
    });
  }
  // No camera, microphone, notifications, geolocation, clipboard reads…: neither asked for nor queried.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  protocol.handle(APP_SCHEME, async (request) => {
    const file = await appFileResponse(rendererDir, request.url, request.method);
    return new Response(file.body, { status: file.status, headers: file.headers });
  });

  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const media = await photoResponse(core.guard, core.thumbnails, url.searchParams.get('path'), url.searchParams.get('thumb'));
    return new Response(media.body, { status: media.status, headers: mediaHeaders(media.contentType, pageOrigin()) });
  });

  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, payload: unknown) => {
    // Only our own window may call; anything else (another frame, a stray webContents) is ignored.
    const own = liveWindow();
    if (!own || event.sender !== own.webContents || !isAppUrl(event.senderFrame?.url ?? '', rendererUrl())) {
      return { ok: false, error: { code: 'not-allowed', message: 'unknown sender' } };
    }
    return core.dispatch(method, payload);
  });

  buildMenu();
  createWindow();
});

app.on('window-all-closed', () => {
  core?.close();
  app.quit();
});

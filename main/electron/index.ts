// Electron main: one secure window, the media scheme, the menu, and the shared handler table.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENT_CHANNEL, INVOKE_CHANNEL, MEDIA_SCHEME } from '../../preload/channels';
import { createAppCore, type AppCore } from '../services/app-core';
import { photoResponse } from '../services/media';
import { ELECTRON_CSP, isAppUrl, secureWebPreferences } from './security';
import { spawnUtilityCompute } from './spawn-utility';

const here = fileURLToPath(new URL('.', import.meta.url));

protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);

// Tests (and users who want a separate profile) point the user-data folder elsewhere.
if (process.env.CONVSCOPE_USER_DATA) app.setPath('userData', process.env.CONVSCOPE_USER_DATA);

let core: AppCore;
let window: BrowserWindow | null = null;

async function pickFolder(title: string): Promise<string | null> {
  const result = await dialog.showOpenDialog(window!, { title, properties: ['openDirectory'] });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

function rendererUrl(): string {
  // electron-vite's dev server, only in development: a packaged app always loads its own files.
  const devServer = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  return devServer ?? pathToFileURL(join(here, '../renderer/index.html')).href;
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Convscope',
    backgroundColor: '#15171c',
    webPreferences: secureWebPreferences(join(here, '../preload/index.cjs')),
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
              if (folder) window?.webContents.send(EVENT_CHANNEL, { type: 'folder-changed', root: folder });
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
  core.onEvent((event) => window?.webContents.send(EVENT_CHANNEL, event));

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const media = await photoResponse(core.guard, core.thumbnails, url.searchParams.get('path'), url.searchParams.get('thumb'));
    return new Response(media.body, { status: media.status, headers: { 'Content-Type': media.contentType } });
  });

  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, payload: unknown) => {
    // Only our own window may call; anything else (another frame, a stray webContents) is ignored.
    if (!window || event.sender !== window.webContents || !isAppUrl(event.senderFrame?.url ?? '', rendererUrl())) {
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

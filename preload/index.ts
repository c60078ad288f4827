// Electron's implementation of the contract, exposed to the sandboxed page as window.convscope.
// Nothing but these functions crosses the bridge: no ipcRenderer, no event objects.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ConvscopeApi, HostEvent } from './contract';
import type { Envelope } from './errors';
import { EVENT_CHANNEL, INVOKE_CHANNEL, MEDIA_SCHEME } from './channels';

const api: ConvscopeApi = {
  async call(method, request) {
    const envelope = (await ipcRenderer.invoke(INVOKE_CHANNEL, method, request)) as Envelope<never>;
    if (envelope.ok) return envelope.result;
    // An Error crossing the context bridge keeps only its message; a plain object keeps the code.
    const { code, message, paths } = envelope.error;
    throw { name: 'ApiError', code, message, ...(paths ? { paths } : {}) };
  },
  onEvent(listener) {
    const wrapped = (_event: unknown, payload: HostEvent): void => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
  photoUrl(path, thumbnailSize) {
    const query = new URLSearchParams({ path });
    if (thumbnailSize) query.set('thumb', String(thumbnailSize));
    return `${MEDIA_SCHEME}://media/?${query.toString()}`;
  },
  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file) || null;
    } catch {
      return null;
    }
  },
};

contextBridge.exposeInMainWorld('convscope', api);

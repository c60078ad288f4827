/** IPC channel and scheme names shared by the preload and Electron main. */
export const INVOKE_CHANNEL = 'convscope:call';
export const EVENT_CHANNEL = 'convscope:event';
export const MEDIA_SCHEME = 'convscope-media';

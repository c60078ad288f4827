// The page's only door to the host: window.convscope (Electron preload or the browser socket client).
import type { ApiErrorShape, ConvscopeApi, ErrorCode } from '../../../preload/contract';

export function api(): ConvscopeApi {
  return window.convscope;
}

export function newJobId(): string {
  return crypto.randomUUID();
}

/**
 * Duck-typed on purpose: an Error crossing Electron's contextBridge keeps only its message, and a
 * rejection may arrive as a plain {code, message} object, so `instanceof ApiError` is not reliable.
 */
export function errorCode(error: unknown): ErrorCode | null {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as ApiErrorShape).code === 'string') {
    return (error as ApiErrorShape).code;
  }
  return null;
}

/** The files an 'exists' error names (every one, not only those its message lists). */
export function errorPaths(error: unknown): string[] {
  const paths = error && typeof error === 'object' && 'paths' in error ? (error as ApiErrorShape).paths : undefined;
  return Array.isArray(paths) ? paths.filter((path): path is string => typeof path === 'string') : [];
}

export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    const message = String((error as { message: unknown }).message);
    // Electron prefixes rejected invokes with this; users do not need it.
    return message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '') || 'Unknown error';
  }
  return typeof error === 'string' && error ? error : 'Unknown error';
}

// How the CLI reports failure: one line on stderr, exit code 2 for bad input, never a stack trace.
import type { ApiErrorShape } from '../../preload/contract';
import { ExistsError } from '../export/atomic';
import { toApiError } from '../services/errors';

export class UsageError extends Error {}

export const EXIT_BAD_INPUT = 2;
export const EXIT_SOME_FAILED = 1;

export function reportAndExit(error: unknown): never {
  const shape: ApiErrorShape = error instanceof UsageError ? { code: 'invalid-request', message: error.message } : toApiError(error);
  const hint = shape.code === 'exists' ? ' (pass --overwrite to replace)' : '';
  process.stderr.write(`convscope: ${messageLine(shape)}${hint}\n`);
  const internal = shape.code === 'internal' || shape.code === 'compute-crashed';
  process.exit(shape.code === 'cancelled' ? 130 : internal ? 1 : EXIT_BAD_INPUT);
}

/** The message on one line; several existing files as one list rather than run-on sentences. */
function messageLine(shape: ApiErrorShape): string {
  const paths = shape.paths ?? [];
  if (shape.code === 'exists' && paths.length > 1 && shape.message === new ExistsError(paths).message) {
    return `${paths.length} files already exist (not overwritten): ${paths.join(', ')}`;
  }
  return oneLine(shape.message);
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const REPO = resolve(here, '../..');
/** The shared photo corpus (../shared/photos beside the checkout); never copied into the repo. */
export const PHOTOS = process.env.CONVSCOPE_PHOTOS ?? resolve(REPO, '../shared/photos');
export const photo = (...parts: string[]): string => resolve(PHOTOS, ...parts);

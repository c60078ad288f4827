// Export file names from a template such as '{name}-{method}' → 'chelsea-gradcam'. Safe on Windows,
// macOS and Linux; letters from any script are kept. The template grammar is the contract's.
import { NAME_PLACEHOLDER_PATTERN, type NamePlaceholder } from '../../preload/contract';

export interface NameVars {
  name: string;
  method?: string;
  layer?: string;
  class?: string;
}

const MAX_NAME_BYTES = 200; // leaves room for an extension and a " (2)" under the usual 255-byte limit
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const LEADING_SEPARATORS = /^[\s._-]+/;

/** One path segment: no separators, control or Windows-reserved characters, no leading/trailing dots. */
export function sanitizeFileName(raw: string): string {
  let name = raw
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  if (RESERVED.test(name)) name = `_${name}`;
  while (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) name = Array.from(name).slice(0, -1).join('');
  return name || 'export';
}

export function exportName(template: string, vars: NameVars): string {
  const filled = template.replace(NAME_PLACEHOLDER_PATTERN, (_, key: NamePlaceholder) => {
    const value = vars[key];
    if (value === undefined || value === '') return '\u0000';
    return String(value).replace(/\u0000/g, '');
  });
  // A missing value takes one neighbouring separator with it: '{name}-{method}' without method → 'name'.
  const joined = filled.replace(/[\s._-]*\u0000/g, '').replace(LEADING_SEPARATORS, '');
  return sanitizeFileName(joined);
}

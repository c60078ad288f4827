// The JSON written next to every export: what made it, so it can be reproduced.
import { version as appVersion } from '../../package.json';

export { appVersion };

export function sidecarJson(fields: Record<string, unknown>): string {
  // app and appVersion come first and always tell the truth, whatever the fields say.
  const document: Record<string, unknown> = { app: 'convscope', appVersion };
  for (const [key, value] of Object.entries(fields)) if (key !== 'app' && key !== 'appVersion') document[key] = value;
  return `${JSON.stringify(document, null, 2)}\n`;
}

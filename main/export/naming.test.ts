import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_TEMPLATE } from '../../preload/contract';
import { exportName, sanitizeFileName } from './naming';
import { APP_VERSION } from '../app-version';
import { sidecarJson } from './sidecar';

describe('exportName', () => {
  it('fills the default template', () => {
    expect(exportName(DEFAULT_EXPORT_TEMPLATE, { name: 'chelsea', method: 'gradcam' })).toBe('chelsea-gradcam');
  });

  it('fills every variable', () => {
    const vars = { name: 'chelsea', method: 'gradcam++', layer: 'block5_conv3', class: 'tabby cat' };
    expect(exportName('{name}-{method}-{layer}-{class}', vars)).toBe('chelsea-gradcam++-block5_conv3-tabby cat');
  });

  it('drops a missing variable together with its separator', () => {
    expect(exportName('{name}-{method}', { name: 'chelsea' })).toBe('chelsea');
    expect(exportName('{method}-{name}', { name: 'chelsea' })).toBe('chelsea');
    expect(exportName('{name}-{method}-{layer}', { name: 'chelsea', layer: 'mixed3' })).toBe('chelsea-mixed3');
  });

  it('keeps non-ASCII letters', () => {
    expect(exportName('{name}-{method}', { name: 'café crème – été', method: 'layercam' })).toBe('café crème – été-layercam');
    expect(exportName('{name}', { name: '猫の写真' })).toBe('猫の写真');
  });

  it('makes names safe on every file system', () => {
    expect(exportName('{name}-{class}', { name: 'a/b\\c', class: 'what? <yes>: "no" | *' })).toBe('a_b_c-what_ _yes__ _no_ _ _');
    expect(exportName('{name}', { name: '../../etc/passwd' })).toBe('_.._etc_passwd');
    expect(sanitizeFileName('..')).toBe('export');
    expect(sanitizeFileName('   ')).toBe('export');
    expect(sanitizeFileName('CON')).toBe('_CON');
    expect(sanitizeFileName('photo. ')).toBe('photo');
    expect(sanitizeFileName('tab\there')).toBe('tab here');
    expect(Buffer.byteLength(sanitizeFileName('é'.repeat(300)))).toBeLessThanOrEqual(200);
    expect(sanitizeFileName('e\u0301te')).toBe('éte'); // NFC
  });
});

describe('sidecarJson', () => {
  it('is pretty JSON with the app version from package.json', async () => {
    const { default: pkg } = await import('../../package.json');
    expect(APP_VERSION).toBe(pkg.version);
    const text = sidecarJson({ method: 'gradcam', classIndex: 281, source: 'chelsea.png' });
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('\n  "method": "gradcam"');
    expect(JSON.parse(text)).toEqual({ app: 'convscope', appVersion: pkg.version, method: 'gradcam', classIndex: 281, source: 'chelsea.png' });
  });
});

// The main job: open a folder, classify a cat, show Grad-CAM, dream a little, scrub, export.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, PHOTOS, ARTIFACTS } from './fixtures';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`).toBe(true);
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Pixels drawn on one Konva layer (0 photo, 1 heatmap, 2 channel, 3 dream): how many are not transparent, and a checksum. */
async function layerPixels(page: Page, layer: number): Promise<{ opaque: number; checksum: number }> {
  return page.getByTestId('canvas').evaluate((element, index) => {
    const canvas = element.querySelectorAll('canvas')[index] as HTMLCanvasElement | undefined;
    if (!canvas) return { opaque: 0, checksum: 0 };
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let opaque = 0;
    let checksum = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 0) opaque++;
      checksum = (checksum * 31 + data[i]! + data[i + 1]! * 3 + data[i + 2]! * 7) % 1_000_000_007;
    }
    return { opaque, checksum };
  }, layer);
}

test('main job: classify, Grad-CAM, dream, scrub, export the overlay', async ({ studio: page }, testInfo) => {
  const id = (testId: string) => page.getByTestId(testId);

  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await id('thumb-chelsea.png').click();
  await expect(id('thumb-chelsea.png')).toHaveAttribute('aria-selected', 'true');

  // Classes: five rows, best first, each a distinct class of the model.
  await expect(id('class-row')).toHaveCount(5);
  const indices = await id('class-row').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-index'))));
  expect(new Set(indices).size).toBe(5);
  const scores = await id('class-row').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-score'))));
  for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThanOrEqual(scores[i - 1]!);
  await expect(id('class-row').first()).toHaveClass(/selected/);
  await expect(id('status-backend')).toHaveAttribute('data-backend', /^(wasm|cpu|tensorflow|tensorflow-gpu)$/);

  // Grad-CAM on the default layer; the heatmap layer gets drawn.
  await id('method-select').selectOption('gradcam');
  await id('show-heatmap').click();
  await expect(id('heatmap-result')).toHaveAttribute('data-method', 'gradcam');
  await expect(id('heatmap-result')).toContainText('451×300');
  await expect.poll(async () => (await layerPixels(page, 1)).opaque).toBeGreaterThan(1000);

  // A short dream: 2 octaves × 3 steps at 160 px.
  await id('dream-octaves').fill('2');
  await id('dream-steps').fill('3');
  await id('dream-max-size').fill('160');
  await id('dream-run').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  const slider = id('timeline-slider');
  const lastIndex = Number(await slider.getAttribute('max'));
  expect(lastIndex + 1).toBeGreaterThanOrEqual(6);
  expect(await id('octave-mark').count()).toBeGreaterThanOrEqual(2);

  // Scrub: the dream layer's pixels follow the frame.
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(id('timeline-frame')).toHaveAttribute('data-index', '0');
  const first = await layerPixels(page, 3);
  expect(first.opaque).toBeGreaterThan(1000);
  await page.keyboard.press('End');
  await expect(id('timeline-frame')).toHaveAttribute('data-index', String(lastIndex));
  await expect.poll(async () => (await layerPixels(page, 3)).checksum).not.toBe(first.checksum);
  await page.keyboard.press('ArrowLeft');
  await expect(id('timeline-frame')).toHaveAttribute('data-index', String(lastIndex - 1));

  // Export the overlay at full resolution, with its sidecar.
  const outDir = mkdtempSync(join(tmpdir(), 'convscope-e2e-export-'));
  await id('export-dir').fill(outDir);
  await id('export-overlay').click();
  await expect(id('export-result')).toHaveAttribute('data-what', 'overlay');
  const files = await id('export-file').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-path') ?? ''));
  const overlay = files.find((file) => file.endsWith('.png'));
  expect(overlay, `a PNG among ${files.join(', ')}`).toBeTruthy();
  expect(overlay!.startsWith(outDir)).toBe(true);
  expect(pngSize(overlay!)).toEqual({ width: 451, height: 300 });
  const sidecarPath = (await id('export-sidecar').getAttribute('data-path'))!;
  const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8'));
  expect(JSON.stringify(sidecar)).toContain('gradcam');
  expect(JSON.stringify(sidecar)).toContain('chelsea.png');

  // The screenshots: the Grad-CAM heatmap over the photo (dream layer hidden), then the dream
  // frame swiped against the original photo.
  await id('layer-visible-dream').uncheck();
  const screenshot = join(ARTIFACTS, 'studio.png');
  await page.screenshot({ path: screenshot, fullPage: false });
  await testInfo.attach('studio', { path: screenshot, contentType: 'image/png' });
  await id('layer-visible-dream').check();
  await id('compare-toggle').check();
  const compare = join(ARTIFACTS, 'studio-dream-compare.png');
  await page.screenshot({ path: compare, fullPage: false });
  await testInfo.attach('studio-dream-compare', { path: compare, contentType: 'image/png' });
});

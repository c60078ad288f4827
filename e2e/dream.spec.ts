// Dream timeline: scrub with the slider and the arrow keys, play/pause, export an animated WebP.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, PHOTOS, ARTIFACTS } from './fixtures';

/** Which Konva layers (0 photo, 1 heatmap, 2 channel, 3 dream) are on screen: Konva hides a hidden layer's canvas. */
async function shownLayers(page: Page): Promise<boolean[]> {
  return page.getByTestId('canvas').evaluate((element) =>
    Array.from(element.querySelectorAll('canvas')).slice(0, 4).map((canvas) => getComputedStyle(canvas).display !== 'none'),
  );
}

test('dream: scrub, play/pause, export an animated WebP', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  const frameIndex = async () => Number(await id('timeline-frame').getAttribute('data-index'));

  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await id('thumb-coffee.png').click();
  await expect(id('class-row')).toHaveCount(5);

  await id('dream-octaves').fill('2');
  await id('dream-steps').fill('3');
  await id('dream-max-size').fill('192');
  await id('dream-seed').fill('7');
  await id('dream-run').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'running');
  await expect(id('dream-status')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });

  const slider = id('timeline-slider');
  const lastIndex = Number(await slider.getAttribute('max'));
  expect(lastIndex).toBeGreaterThanOrEqual(5);
  await expect(id('timeline-frame')).toHaveAttribute('data-index', String(lastIndex));

  // Slider with the mouse: a click in the middle lands on a middle frame.
  const box = (await slider.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const middle = await frameIndex();
  expect(middle).toBeGreaterThan(0);
  expect(middle).toBeLessThan(lastIndex);

  // Arrow keys on the slider.
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(id('timeline-frame')).toHaveAttribute('data-index', String(middle + 1));
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(id('timeline-frame')).toHaveAttribute('data-index', '2');

  // Play moves through the frames; pause stops them.
  await id('timeline-fps').fill('12');
  await id('play-button').click();
  await expect(id('play-button')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(frameIndex).not.toBe(2);
  await id('play-button').click();
  await expect(id('play-button')).toHaveAttribute('aria-pressed', 'false');
  const paused = await frameIndex();
  await page.waitForTimeout(500);
  expect(await frameIndex()).toBe(paused);

  // Animated WebP export.
  const outDir = mkdtempSync(join(tmpdir(), 'convscope-e2e-dream-'));
  await id('export-dir').fill(outDir);
  await id('dream-export-kind').selectOption('webp');
  await id('export-dream').click();
  await expect(id('export-result')).toHaveAttribute('data-what', 'webp');
  const file = (await id('export-file').first().getAttribute('data-path'))!;
  expect(file.startsWith(outDir)).toBe(true);
  expect(file.endsWith('.webp')).toBe(true);
  const bytes = readFileSync(file);
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.readUInt32LE(4) + 8).toBe(bytes.length);
  expect(bytes.toString('ascii', 8, 12)).toBe('WEBP');
  expect(bytes.toString('ascii', 12, 16)).toBe('VP8X');
  expect(bytes.indexOf('ANIM')).toBeGreaterThan(12);
  expect(bytes.indexOf('ANMF')).toBeGreaterThan(bytes.indexOf('ANIM'));
  // The timeline's fps reaches the export: each frame lasts 1000/12 ms.
  const frameDuration = bytes.readUIntLE(bytes.indexOf('ANMF') + 8 + 12, 3);
  expect(Math.abs(frameDuration - 1000 / 12)).toBeLessThan(1.5);
  const sidecarPath = (await id('export-sidecar').getAttribute('data-path'))!;
  const sidecar = readFileSync(sidecarPath, 'utf8');
  expect(sidecar).toMatch(/"seed":\s*7\b/);

  // A GIF of the same dream into the same folder: no "overwrite?" question, its own sidecar.
  await id('dream-export-kind').selectOption('gif');
  await id('export-dream').click();
  await expect(id('export-result')).toHaveAttribute('data-what', 'gif');
  await expect(id('confirm-dialog')).toHaveCount(0);
  const gif = (await id('export-file').first().getAttribute('data-path'))!;
  expect(readFileSync(gif).toString('ascii', 0, 3)).toBe('GIF');
  expect(await id('export-sidecar').getAttribute('data-path')).not.toBe(sidecarPath);
  expect(readdirSync(outDir).sort()).toEqual(['coffee-dream-gif.gif', 'coffee-dream-gif.json', 'coffee-dream-webp.json', 'coffee-dream-webp.webp']);
  expect(readFileSync(sidecarPath, 'utf8')).toBe(sidecar);

  // "Run dream" runs the fields; "Load this dream's settings" puts the shown dream's back into them.
  await expect(id('dream-run')).toHaveText('Run dream');
  await expect(id('dream-load-settings')).toBeDisabled();
  await id('dream-seed').fill('8');
  await id('dream-seed').blur();
  await expect(id('dream-load-settings')).toBeEnabled();
  await id('dream-load-settings').click();
  await expect(id('dream-seed')).toHaveValue('7');
  await expect(id('dream-load-settings')).toBeDisabled();

  // The layers placeholder is the model's real default.
  await id('dream-layers').fill('');
  await expect(id('dream-layers')).toHaveAttribute('placeholder', 'mixed3:1, mixed5:1');
});

test('a running dream: counter, plain-photo compare, another photo asks, cancel keeps frames to export', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await id('thumb-chelsea.png').click();
  await expect(id('class-row')).toHaveCount(5);
  await id('show-heatmap').click();
  await expect(id('heatmap-result')).toBeVisible();
  await expect.poll(() => shownLayers(page)).toEqual([true, true, false, false]);

  await id('dream-octaves').fill('3');
  await id('dream-steps').fill('40');
  await id('dream-max-size').fill('320');
  await id('dream-run').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'running');

  // The counter counts to octaves × steps while frames arrive, not to the frames so far.
  await expect(id('timeline-counter')).toHaveText(/^\d+\/120$/);
  await expect(id('dream-status')).toHaveText(/Dreaming… \d+ of 120 frames/);

  // Swipe compare: the "original" side is the plain photo — heatmap hidden, photo shown.
  await id('compare-toggle').check();
  await expect(id('dream-compare-label-original')).toBeVisible();
  await expect.poll(() => shownLayers(page)).toEqual([true, false, false, true]);
  await page.screenshot({ path: join(ARTIFACTS, 'dream-compare-running.png') });
  await id('compare-toggle').uncheck();
  await expect.poll(() => shownLayers(page)).toEqual([true, true, false, true]);

  // Another photo while it runs: the studio asks; "Keep dreaming" keeps photo and dream.
  await id('thumb-coffee.png').click();
  await expect(id('confirm-dialog')).toContainText('The dream of chelsea.png is still running');
  await page.screenshot({ path: join(ARTIFACTS, 'dream-switch-asks.png') });
  await id('confirm-cancel').click();
  await expect(id('confirm-dialog')).toHaveCount(0);
  await expect(id('thumb-chelsea.png')).toHaveAttribute('aria-selected', 'true');
  await expect(id('dream-status')).toHaveAttribute('data-status', 'running');

  // Cancel because this frame is the one: it can still be exported, and the sidecar says so.
  await id('dream-cancel').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'cancelled');
  const frames = Number(await id('timeline-slider').getAttribute('max')) + 1;
  expect(frames).toBeGreaterThan(0);
  await expect(id('timeline-counter')).toHaveText(new RegExp(`/${frames}$`));
  await expect(id('export-dream')).toBeEnabled();
  const outDir = mkdtempSync(join(tmpdir(), 'convscope-e2e-cancelled-'));
  await id('export-dir').fill(outDir);
  await id('dream-export-kind').selectOption('frame');
  await id('export-dream').click();
  await expect(id('export-result')).toHaveAttribute('data-what', 'frame');
  const record = JSON.parse(readFileSync((await id('export-sidecar').getAttribute('data-path'))!, 'utf8'));
  expect(record).toMatchObject({ cancelled: true, frames: expect.any(Number) });
  expect(record.notes.join(' ')).toMatch(/cancelled after \d+ of 120 frames/);

  // Leaving the photo keeps its dream (and says so); coming back shows it again.
  await id('thumb-coffee.png').click();
  await expect(id('confirm-dialog')).toHaveCount(0);
  await expect(id('toast').filter({ hasText: 'The dream of chelsea.png is kept' })).toBeVisible();
  await expect(id('timeline-slider')).toBeDisabled();
  await id('thumb-chelsea.png').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(id('timeline-slider')).toHaveAttribute('max', String(frames - 1));
  await expect(id('export-dream')).toBeEnabled();
});

test('feature visualisation: the frames of a channel feed the dream timeline, labelled, and cancel', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await id('model-select').selectOption('mobilenet_v2');
  await id('thumb-chelsea.png').click();
  await id('feature-layer-select').selectOption('block_12_add');
  await id('show-feature-maps').click();
  await id('feature-tile-5').click();
  await id('feature-visualise').click();
  await expect(id('timeline-label')).toHaveText(/channel 5 of layer block_12_add/);
  await expect.poll(async () => Number(await id('timeline-slider').getAttribute('max'))).toBeGreaterThanOrEqual(3);
  await id('timeline-slider').fill('1');
  await expect(id('timeline-frame')).toHaveAttribute('data-index', '1');
  // The square frame sits on a neutral backdrop: no photo, heatmap or channel peeks out beside it.
  await expect.poll(() => shownLayers(page)).toEqual([false, false, false, true]);
  await page.screenshot({ path: join(ARTIFACTS, 'feature-visualisation.png') });
  await id('timeline-cancel').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'cancelled');
});

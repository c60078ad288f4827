// Dream timeline: scrub with the slider and the arrow keys, play/pause, export an animated WebP.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, PHOTOS } from './fixtures';

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
  const sidecar = readFileSync((await id('export-sidecar').getAttribute('data-path'))!, 'utf8');
  expect(sidecar).toMatch(/"seed":\s*7\b/);
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
  await id('timeline-cancel').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'cancelled');
});

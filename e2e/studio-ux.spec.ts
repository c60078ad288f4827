// What a new user's trial ran into, checked in the browser: exports are not photos, one heatmap
// opacity, a readable channel overlay, zoom, disabled actions on broken files, popovers, the
// architecture list, panel progress, small windows, selection wording and stale summaries.
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, PHOTOS } from './fixtures';

/** One Konva layer's pixels (0 photo, 1 heatmap, 2 channel): opaque count, largest alpha, distinct colours, smoothing flag. */
async function layerStats(page: Page, layer: number) {
  return page.getByTestId('canvas').evaluate((element, index) => {
    const canvas = element.querySelectorAll('canvas')[index] as HTMLCanvasElement | undefined;
    if (!canvas) return { opaque: 0, maxAlpha: 0, colours: 0, smoothing: null as boolean | null };
    const context = canvas.getContext('2d')!;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let opaque = 0;
    let maxAlpha = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! === 0) continue;
      opaque++;
      maxAlpha = Math.max(maxAlpha, data[i + 3]!);
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    }
    return { opaque, maxAlpha, colours: colours.size, smoothing: context.imageSmoothingEnabled };
  }, layer);
}

const zoomPercent = async (page: Page) => Number((await page.getByTestId('zoom-label').textContent())!.replace('%', ''));

/** A fresh folder with copies of some everyday photos (the shared ones are read-only). */
function photoFolder(names: string[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'convscope-e2e-ux-'));
  for (const name of names) copyFileSync(join(PHOTOS, 'everyday', name), join(folder, name));
  return folder;
}

test('exports are not photos: a default export stays out of the library, its refresh and the batch; the toast says where it went', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await expect(id('canvas-message')).toHaveText('Open a folder and pick a photo.');
  const folder = photoFolder(['chelsea.png', 'rocket.jpg', 'coffee.png']);
  await id('folder-path').fill(folder);
  await id('open-folder').click();
  await expect(id('photo-count')).toHaveText('3 photos');
  await expect(id('canvas-message')).toHaveText('Pick a photo.');
  await expect(id('batch-selection')).toHaveText('…for the selection (0)');

  await id('thumb-chelsea.png').click();
  // A plain click picks one photo, and one photo is a selection.
  await expect(id('batch-selection')).toHaveText('…for this photo (1)');
  await expect(id('batch-selection')).toBeEnabled();
  await expect(id('class-row')).toHaveCount(5);

  // No heatmap on the canvas yet: the panel says what Export overlay writes, and exporting shows it.
  await expect(id('heatmap-result')).toHaveCount(0);
  await expect(id('export-overlay-what')).toContainText('not on the photo yet');
  await expect(id('export-dir')).toHaveAttribute('placeholder', `${folder}/convscope-exports`);
  await id('export-overlay').click();
  await expect(id('export-result')).toHaveAttribute('data-what', 'overlay');
  await expect(id('heatmap-result')).toHaveAttribute('data-method', 'gradcam');
  await expect(id('export-overlay-what')).toContainText('heatmap shown on the photo');
  await expect(id('toast').filter({ hasText: `Exported chelsea-gradcam.png to ${folder}/convscope-exports` })).toBeVisible();
  expect(readdirSync(join(folder, 'convscope-exports')).sort()).toEqual(['chelsea-gradcam.json', 'chelsea-gradcam.png']);

  // A photo added afterwards shows up (the watcher re-listed the folder), the export never does.
  copyFileSync(join(PHOTOS, 'everyday', 'astronaut.png'), join(folder, 'astronaut.png'));
  await expect(id('photo-count')).toHaveText('4 photos', { timeout: 15_000 });
  await expect(id('thumb-chelsea-gradcam.png')).toHaveCount(0);
  await expect(id('batch-folder')).toContainText('(4)');
});

test('broken and tiny files: actions disabled with the reason, tiny images scaled up, a missing folder said so', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await id('folder-path').fill('/nonexistent/photos');
  await id('open-folder').click();
  await expect(id('folder-error')).toHaveText('/nonexistent/photos: does not exist');
  await id('folder-path').fill(join(PHOTOS, 'everyday', 'chelsea.png'));
  await id('open-folder').click();
  await expect(id('folder-error')).toHaveText(/chelsea\.png: not a folder$/);

  await id('folder-path').fill(`${PHOTOS}/awkward`);
  await id('open-folder').click();
  await expect(id('photo-count')).toContainText('photos');
  // A 1×1 image fills its tile (pixelated) instead of being a speck.
  const speck = id('thumb-one-pixel.png').locator('img');
  await speck.scrollIntoViewIfNeeded();
  await expect(speck).toHaveClass(/tiny/);
  expect((await speck.boundingBox())!.width).toBeGreaterThanOrEqual(60);

  await id('thumb-truncated.jpg').click();
  await expect(id('photo-error')).toBeVisible();
  for (const action of ['show-heatmap', 'export-overlay', 'show-feature-maps', 'dream-run']) {
    await expect(id(action)).toBeDisabled();
    await expect(id(action)).toHaveAttribute('title', /^truncated\.jpg cannot be opened: .*(truncated|corrupt)/);
  }
  await id('thumb-camera.png').click();
  await expect(id('show-heatmap')).toBeEnabled();
});

test('one heatmap opacity, a channel that replaces the heatmap (smooth or crisp), wheel zoom and pixel zoom, popover, architecture', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await id('model-select').selectOption('mobilenet_v2');
  await id('thumb-chelsea.png').click();
  await expect(id('class-row')).toHaveCount(5);
  await id('show-heatmap').click();
  await expect(id('heatmap-result')).toHaveAttribute('data-method', 'gradcam');
  await expect.poll(async () => (await layerStats(page, 1)).opaque).toBeGreaterThan(1000);

  // Heatmap opacity: the same setting, the same direction, in the panel and the toolbar.
  await id('heatmap-opacity-slider').fill('0.8');
  await expect(id('layer-opacity-heatmap')).toHaveValue('0.8');
  await expect.poll(async () => (await layerStats(page, 1)).maxAlpha).toBeGreaterThan(190);
  await id('layer-opacity-heatmap').fill('0.3');
  await expect(id('heatmap-opacity-slider')).toHaveValue('0.3');
  await expect(id('heatmap-opacity-value')).toHaveText('0.30');
  await expect.poll(async () => (await layerStats(page, 1)).maxAlpha).toBeLessThan(90);
  await id('heatmap-opacity-slider').fill('0.5');

  // A channel replaces the heatmap on the photo, drawn smooth by default, crisp cells on request.
  await id('feature-layer-select').selectOption('out_relu');
  await id('show-feature-maps').click();
  await expect(id('feature-summary')).toContainText('7×7');
  const mediumColumns = Number(await id('feature-grid').getAttribute('data-columns'));
  await id('feature-tile-size').selectOption('36');
  await expect.poll(async () => Number(await id('feature-grid').getAttribute('data-columns'))).toBeGreaterThan(mediumColumns);
  await id('feature-sort').selectOption('mean-desc');
  await id('feature-grid').locator('[data-channel]').first().click();
  await expect(id('layer-visible-heatmap')).not.toBeChecked();
  await expect(id('heatmap-hidden-note')).toBeVisible();
  await expect.poll(async () => (await layerStats(page, 1)).opaque).toBe(0);
  await expect.poll(async () => (await layerStats(page, 2)).colours).toBeGreaterThan(120);
  await id('channel-crisp').check();
  await expect.poll(async () => (await layerStats(page, 2)).colours).toBeLessThanOrEqual(49);
  await id('channel-crisp').uncheck();
  await id('feature-clear').click();
  await expect(id('layer-visible-heatmap')).toBeChecked();
  await expect.poll(async () => (await layerStats(page, 1)).opaque).toBeGreaterThan(1000);

  // Wheel zoom: ~1.2× per notch around the pointer; from 400 % map pixels are sharp squares.
  const box = (await id('canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const fitted = await zoomPercent(page);
  for (let notch = 0; notch < 4; notch++) await page.mouse.wheel(0, 100);
  await expect.poll(() => zoomPercent(page)).toBeLessThan(fitted / 1.9);
  const before = await zoomPercent(page);
  for (let notch = 0; notch < 5; notch++) await page.mouse.wheel(0, -100);
  await expect.poll(() => zoomPercent(page)).toBeGreaterThan(before * 2.3);
  expect(await zoomPercent(page)).toBeLessThan(before * 2.7);
  expect((await layerStats(page, 1)).smoothing).toBe(true);
  while ((await zoomPercent(page)) < 450) await page.mouse.wheel(0, -100);
  await expect(id('canvas')).toHaveAttribute('data-pixel-zoom', 'true');
  await expect.poll(async () => (await layerStats(page, 1)).smoothing).toBe(false);
  await id('canvas-fit').click();
  await expect(id('canvas')).toHaveAttribute('data-pixel-zoom', 'false');

  // The backend popover closes on Escape and on a click elsewhere.
  await id('status-backend').getByRole('button').click();
  await expect(id('status-backend-details')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(id('status-backend-details')).toHaveCount(0);
  await id('status-backend').getByRole('button').click();
  await expect(id('status-backend-details')).toBeVisible();
  await id('thumb-grid').click({ position: { x: 5, y: 5 } });
  await expect(id('status-backend-details')).toHaveCount(0);

  // Architecture: whole names, and a click on a spatial layer makes it the Explain target layer.
  await id('panel-architecture').locator('summary').click();
  await expect(id('arch-row').first()).toBeVisible();
  expect(await id('arch-name').count()).toBeGreaterThan(5);
  const truncated = await id('arch-name').evaluateAll((names) => names.filter((name) => name.scrollWidth > name.clientWidth + 1).map((name) => name.textContent));
  expect(truncated).toEqual([]);
  const row = id('arch-row').filter({ hasText: 'block_1_expand_relu' }).first();
  await row.scrollIntoViewIfNeeded();
  await row.click();
  await expect(id('layer-select')).toHaveValue('block_1_expand_relu');
  await expect(row).toHaveAttribute('aria-current', 'true');
  await expect(id('toast').filter({ hasText: 'target layer: block_1_expand_relu' })).toBeVisible();
});

test('progress in the panel is readable and starts at once; small windows keep the timeline and its controls', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await id('thumb-chelsea.png').click();
  await expect(id('class-row')).toHaveCount(5);
  await id('method-select').selectOption('scorecam');
  await id('show-heatmap').click();
  const job = id('panel-explain').getByTestId('job-heatmap');
  await expect(job).toBeVisible();
  // Said at once (before the first batch of masked images), in full, above a bar as wide as the panel.
  await expect(job.locator('.job-message')).toHaveText(/^Score-CAM: (reading the layer…|\d+ of \d+ channels)$/, { timeout: 10_000 });
  const fits = await job.locator('.job-message, .job-label').evaluateAll((nodes) => nodes.every((node) => node.scrollWidth <= node.clientWidth + 1));
  expect(fits).toBe(true);
  expect((await job.locator('progress').boundingBox())!.width).toBeGreaterThan(250);
  await expect(job.locator('.job-message')).toHaveText(/^Score-CAM: [1-9]\d* of \d+ channels$/, { timeout: 60_000 });
  await job.getByTestId('job-cancel').click();
  await expect(job).toHaveCount(0);

  for (const [width, height, slider] of [[1024, 700, 300], [1280, 720, 450]] as const) {
    await page.setViewportSize({ width, height });
    const center = (await page.locator('main.center').boundingBox())!;
    const toggle = (await id('compare-toggle').boundingBox())!;
    expect(toggle.x + toggle.width, `Swipe compare inside the centre at ${width}×${height}`).toBeLessThanOrEqual(center.x + center.width);
    expect(toggle.y + toggle.height).toBeLessThanOrEqual(height);
    expect((await id('timeline-slider').boundingBox())!.width, `timeline slider at ${width}×${height}`).toBeGreaterThan(slider);
  }

  // Side panels fold away for room and come back; the right one can be dragged wider.
  await page.setViewportSize({ width: 1024, height: 700 });
  const narrow = (await page.locator('main.center').boundingBox())!.width;
  await id('toggle-right').click();
  await expect(id('side-right')).toBeHidden();
  expect((await page.locator('main.center').boundingBox())!.width).toBeGreaterThan(narrow + 250);
  await id('toggle-right').click();
  await expect(id('side-right')).toBeVisible();
  const right = (await id('side-right').boundingBox())!;
  const handle = (await id('resize-right').boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 - 100, handle.y + 200, { steps: 5 });
  await page.mouse.up();
  expect((await id('side-right').boundingBox())!.width).toBeGreaterThan(right.width + 90);
});

test('a batch summary belongs to its folder: it goes when the batch section is about another folder', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  const first = photoFolder(['rocket.jpg']);
  const second = photoFolder(['coffee.png']);
  await id('model-select').selectOption('mobilenet_v2');
  await id('folder-path').fill(first);
  await id('open-folder').click();
  await id('thumb-rocket.jpg').click();
  await id('export-dir').fill(mkdtempSync(join(tmpdir(), 'convscope-e2e-ux-out-')));
  await id('batch-folder').click();
  await expect(id('batch-summary')).toHaveAttribute('data-done', '1', { timeout: 120_000 });
  await id('folder-path').fill(second);
  await id('open-folder').click();
  await id('thumb-coffee.png').click();
  await expect(id('batch-folder')).toContainText('(1)');
  await expect(id('batch-summary')).toHaveCount(0);
  await id('thumb-rocket.jpg').click();
  await expect(id('batch-summary')).toBeVisible();
  await id('root').filter({ hasText: first.split('/').pop()! }).getByTestId('root-remove').click();
  await expect(id('batch-summary')).toHaveCount(0);
});

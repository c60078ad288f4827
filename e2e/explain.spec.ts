// Explain controls: method, layer, class and colormap change what is computed; feature maps; export.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, PHOTOS } from './fixtures';

async function layerOpaquePixels(page: Page, layer: number): Promise<number> {
  return page.getByTestId('canvas').evaluate((element, index) => {
    const canvas = element.querySelectorAll('canvas')[index] as HTMLCanvasElement | undefined;
    if (!canvas) return 0;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque++;
    return opaque;
  }, layer);
}

/** A checksum of one Konva layer's pixels (1 = heatmap), to tell that it was redrawn differently. */
async function layerChecksum(page: Page, layer: number): Promise<number> {
  return page.getByTestId('canvas').evaluate((element, index) => {
    const canvas = element.querySelectorAll('canvas')[index] as HTMLCanvasElement | undefined;
    if (!canvas) return 0;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let checksum = 0;
    for (let i = 0; i < data.length; i += 4) checksum = (checksum * 31 + data[i]! + data[i + 1]! * 3 + data[i + 2]! * 7 + data[i + 3]! * 11) % 1_000_000_007;
    return checksum;
  }, layer);
}

/** Counts the 'explain:heatmap' requests the page sends to the host over its socket from the next page load on. */
function watchHeatmapCalls(page: Page): () => number {
  let calls = 0;
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      if (String(payload).includes('"explain:heatmap"')) calls++;
    }),
  );
  return () => calls;
}

test('explain: method, layer, class, colormap, feature maps, export with overwrite', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  const heatmapCalls = watchHeatmapCalls(page);
  await page.reload(); // the socket opened before the watcher; a reload opens a watched one

  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();

  // Filter and keyboard navigation in the grid.
  await id('filter').fill('chel');
  await expect(id('photo-count')).toContainText(/^1 of \d+/);
  await id('filter').fill('');
  await id('thumb-astronaut.png').click();
  await id('thumb-grid').press('ArrowRight');
  await expect(id('thumb-chelsea.png')).toHaveAttribute('aria-selected', 'true');
  await expect(id('class-row')).toHaveCount(5);

  // Method and colormap.
  await id('method-select').selectOption('layercam');
  await id('colormap-select').selectOption('viridis');

  // Layer: 2-D layers are listed but disabled; pick a spatial layer that is not the default.
  const layerSelect = id('layer-select');
  expect(await layerSelect.locator('option:disabled').count()).toBeGreaterThan(0);
  const defaultLayer = await layerSelect.inputValue();
  const spatial = await layerSelect.locator('option:not(:disabled)').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  const otherLayer = spatial.filter((name) => name !== defaultLayer).at(-1)!;
  expect(otherLayer).toBeTruthy();
  await layerSelect.selectOption(otherLayer);

  // Class: the second of the top five.
  const secondClass = await id('class-row').nth(1).getAttribute('data-index');
  await id('class-select').selectOption(secondClass!);

  await id('show-heatmap').click();
  const result = id('heatmap-result');
  await expect(result).toHaveAttribute('data-method', 'layercam');
  await expect(result).toHaveAttribute('data-layer', otherLayer);
  await expect(result).toHaveAttribute('data-class-index', secondClass!);
  await expect.poll(() => layerOpaquePixels(page, 1)).toBeGreaterThan(0);

  // Colormap and threshold recolour the same map on the client: new pixels, no new host call.
  expect(heatmapCalls()).toBe(1);
  const viridisPixels = await layerChecksum(page, 1);
  const viridisOpaque = await layerOpaquePixels(page, 1);
  await id('colormap-select').selectOption('inferno');
  await expect.poll(() => layerChecksum(page, 1)).not.toBe(viridisPixels);
  await expect(id('show-heatmap')).toHaveText('Show heatmap');
  await id('threshold-slider').fill('0.5');
  await expect.poll(() => layerOpaquePixels(page, 1)).toBeLessThan(viridisOpaque);
  await expect(id('show-heatmap')).toHaveText('Show heatmap');
  await id('threshold-slider').fill('0');
  await id('colormap-select').selectOption('viridis');
  await expect.poll(() => layerChecksum(page, 1)).toBe(viridisPixels);
  expect(heatmapCalls()).toBe(1);

  // Search over all labels: typing part of a label finds that class.
  const lastRow = id('class-row').last();
  const lastIndex = (await lastRow.getAttribute('data-index'))!;
  const lastLabel = (await lastRow.getAttribute('title'))!.split(/[,(]/)[0]!.trim();
  await id('class-search').fill(lastLabel.slice(0, Math.min(5, lastLabel.length)));
  await id('class-search-results').locator(`[data-index="${lastIndex}"]`).click();
  await expect(id('class-select')).toHaveValue(lastIndex);
  await expect(id('show-heatmap')).toHaveText('Update heatmap');
  await id('class-select').selectOption(secondClass!);
  await expect(id('show-heatmap')).toHaveText('Show heatmap');

  // Feature maps: a grid of channels; one laid over the photo.
  await id('feature-layer-select').selectOption(otherLayer);
  await id('show-feature-maps').click();
  await expect(id('feature-grid')).toBeVisible();
  await expect(id('feature-summary')).toContainText(otherLayer);
  await id('feature-sort').selectOption('mean-desc');
  const means = await id('feature-grid')
    .locator('[data-channel]')
    .evaluateAll((tiles) => tiles.slice(0, 6).map((tile) => Number(/mean (\S+)/.exec(tile.getAttribute('title') ?? '')![1])));
  expect(means.length).toBeGreaterThan(1);
  for (let i = 1; i < means.length; i++) expect(means[i]!).toBeLessThanOrEqual(means[i - 1]!);
  const tile = id('feature-grid').locator('[data-channel]').first();
  const channel = await tile.getAttribute('data-channel');
  await tile.click();
  await expect(id('feature-selected')).toContainText(`Channel ${channel}`);
  await expect.poll(() => layerOpaquePixels(page, 2)).toBeGreaterThan(1000);

  // Export, then export again: the studio asks before overwriting.
  const outDir = mkdtempSync(join(tmpdir(), 'convscope-e2e-explain-'));
  await id('export-dir').fill(outDir);
  await id('export-overlay').click();
  await expect(id('export-result')).toHaveAttribute('data-what', 'overlay');
  const sidecarPath = (await id('export-sidecar').getAttribute('data-path'))!;
  const sidecar = readFileSync(sidecarPath, 'utf8');
  expect(sidecar).toContain('layercam');
  expect(sidecar).toContain('viridis');
  expect(sidecar).toContain(otherLayer);

  await id('export-overlay').click();
  await expect(id('confirm-dialog')).toContainText(/already exists/);
  await id('confirm-ok').click();
  await expect(id('confirm-dialog')).toHaveCount(0);
  await expect(id('toast').filter({ hasText: /^Exported/ }).last()).toBeVisible();
  await expect(id('toast').filter({ hasText: /exists/ })).toHaveCount(0);
});

test('MobileNetV2: faithfulness, A/B compare, and a batch export of awkward photos listing broken files as failed', async ({ studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await id('folder-path').fill(`${PHOTOS}/awkward`);
  await id('open-folder').click();
  await expect(id('photo-count')).toContainText(/\d+ photos/);
  await id('model-select').selectOption('mobilenet_v2');

  // Library: a second folder joins the first; ctrl-click ticks, shift-click ranges; closing a folder drops its photos.
  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await expect(id('root')).toHaveCount(2);
  await id('thumb-chelsea.png').click();
  await id('thumb-coffee.png').click({ modifiers: ['Control'] });
  await expect(id('selection-count')).toHaveText(/2 selected/);
  await expect(id('thumb-chelsea.png')).toHaveAttribute('aria-selected', 'true');
  await id('thumb-camera.png').click({ modifiers: ['Shift'] });
  await expect(id('selection-count')).toHaveText(/\d+ selected/);
  await id('root').filter({ hasText: 'everyday' }).getByTestId('root-remove').click();
  await expect(id('root')).toHaveCount(1);
  await expect(id('thumb-chelsea.png')).toHaveCount(0);
  await expect(id('layer-select')).not.toHaveValue('');

  // Faithfulness of the shown heatmap: two AUCs in 0..1 with their curves.
  await id('thumb-camera.png').click();
  await id('show-heatmap').click();
  await expect(id('heatmap-result')).toHaveAttribute('data-method', 'gradcam');
  await id('measure-faithfulness').click();
  await expect(id('faithfulness')).toBeVisible();
  for (const metric of ['faith-deletion', 'faith-insertion']) {
    const value = Number(await id(metric).getAttribute('data-value'));
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
    await expect(id(metric)).toContainText(value.toFixed(3));
  }
  await expect(id('faith-deletion')).toContainText('lower is better');
  await expect(id('faith-insertion')).toContainText('higher is better');
  await expect(id('faith-deletion-curve').locator('polyline')).toHaveCount(1);

  // Pin as B, compute another method: both names label the swipe view.
  await id('pin-b').click();
  await id('method-select').selectOption('eigencam');
  await id('show-heatmap').click();
  await expect(id('heatmap-result')).toHaveAttribute('data-method', 'eigencam');
  await expect(id('compare-label-a')).toContainText('Eigen-CAM');
  await expect(id('compare-label-b')).toContainText('Grad-CAM');
  await id('unpin-b').click();
  await expect(id('compare-labels')).toHaveCount(0);
  await id('method-select').selectOption('gradcam');

  // Batch: every photo of the folder, the current settings, into a fresh folder.
  const outDir = mkdtempSync(join(tmpdir(), 'convscope-e2e-batch-'));
  await id('export-dir').fill(outDir);
  await id('batch-folder').click();
  await expect(id('job-batch').first()).toBeVisible();
  const summary = id('batch-summary');
  await expect(summary).toBeVisible({ timeout: 180_000 });
  const failed = await id('batch-failure').evaluateAll((items) => items.map((item) => (item.getAttribute('data-path') ?? '').split('/').pop()));
  expect(failed).toContain('truncated.jpg');
  expect(failed).toContain('zero-bytes.jpg');
  await expect(id('batch-failure').filter({ hasText: 'zero-bytes.jpg' })).toContainText(/—\s*\S/);
  const written = Number(await summary.getAttribute('data-done'));
  expect(written).toBeGreaterThan(3);
  const files = readdirSync(outDir, { recursive: true }).map(String);
  for (const good of ['camera-gradcam.png', 'rocket-gradcam.png', 'logo-gradcam.png']) expect(files).toContain(good);
  expect(files.some((file) => file.startsWith('truncated'))).toBe(false);
});

// Crash recovery: the compute process dies in the middle of a dream (killed, as the kernel's
// out-of-memory killer would). The studio says what happened, marks the dream failed, keeps the
// library, and the next job runs on the restarted engine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, PHOTOS, ARTIFACTS } from './fixtures';

/** The compute process: the browser host's child that runs main/host/compute-process.ts. */
function computePid(hostPid: number): number | null {
  let children: string[];
  try {
    children = execFileSync('pgrep', ['-P', String(hostPid)], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return null; // pgrep exits 1 when there is no child
  }
  for (const pid of children) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('compute-process')) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

test('the compute process dies mid-dream: the studio says so, the dream failed, the next job works', async ({ host, studio: page }) => {
  const id = (testId: string) => page.getByTestId(testId);
  await id('folder-path').fill(`${PHOTOS}/everyday`);
  await id('open-folder').click();
  await id('thumb-chelsea.png').click();
  await expect(id('class-row')).toHaveCount(5);

  await id('dream-octaves').fill('3');
  await id('dream-steps').fill('40');
  await id('dream-max-size').fill('320');
  await id('dream-run').click();
  await expect(id('dream-status')).toHaveAttribute('data-status', 'running');
  await expect(id('timeline-counter')).toBeVisible(); // frames are arriving

  const pid = computePid(host.process.pid!);
  expect(pid, 'the browser host runs a compute child process').not.toBeNull();
  process.kill(pid!, 'SIGKILL');

  // What happened, in words the user sees: the banner, and the dream's own status.
  await expect(id('banner')).toContainText('The compute engine stopped (killed by SIGKILL) and was restarted. Running jobs were lost; start them again.');
  await expect(id('dream-status')).toHaveAttribute('data-status', 'failed');
  await expect(id('dream-status')).toContainText(/Failed: the compute engine stopped \(killed by SIGKILL\) during dream/);
  await expect(id('dream-run')).toBeEnabled();
  await page.screenshot({ path: join(ARTIFACTS, 'recovery-after-kill.png') });

  // The library is still there.
  await expect(id('photo-count')).toHaveText('17 photos');
  await expect(id('thumb-chelsea.png')).toHaveAttribute('aria-selected', 'true');

  // The next jobs run on the restarted engine, in a new process.
  await expect.poll(() => computePid(host.process.pid!)).not.toBeNull();
  expect(computePid(host.process.pid!)).not.toBe(pid);
  await id('show-heatmap').click();
  await expect(id('heatmap-result')).toBeVisible();
  await id('thumb-coffee.png').click();
  await expect(id('class-row')).toHaveCount(5);
  await id('banner').getByRole('button', { name: 'Dismiss' }).click();
  await expect(id('banner')).toHaveCount(0);
});

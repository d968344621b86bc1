// The page itself: first load, the library, stepping through a scenario, keyboard and themes.
import { expect, test } from './fixtures/playground';

test('the page loads on the simulator, and says where to begin', async ({ pg, page }) => {
  await pg.open();
  await expect(page.getByTestId('header.engine')).toContainText('simulated kernel');
  await expect(pg.narration).toContainText('Map an area');
  await expect(page.getByTestId('grid.empty')).toBeVisible();
  await expect(page.getByTestId('grid.legend')).toContainText('write-protected');
  await pg.shot('first-load');
});

test('the keyboard alone: shortcuts, the overlay, focus', async ({ pg, page }) => {
  await pg.open();
  await page.keyboard.press('?');
  await expect(page.getByTestId('dialog.shortcuts')).toBeVisible();
  await expect(page.getByTestId('shortcuts')).toContainText('step forward');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('dialog.shortcuts')).toBeHidden();
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await pg.shot('dark');
  await page.keyboard.press('`');
  await expect(page.getByTestId('console.terminal')).toBeVisible();
  // Typed into the console, then back to the page with Escape, then the grid and a thread by key.
  for (const line of [
    'a = mmap(4p, anon)',
    'uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)',
    'api',
    'register a 4p',
  ]) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await expect(pg.position).toHaveText('step 4 / 4');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('console.toggle')).toBeFocused();
  await page.keyboard.press('g');
  await expect(pg.grid.canvas).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(pg.grid.inspector).toContainText('a+1p');
  await page.keyboard.press('r');
  await expect(pg.threads.state('T1')).toContainText('blocked in a fault');
  await page.keyboard.press('a');
  await page.keyboard.press('a');
  await expect(pg.threads.state('T1')).toHaveText('done');
  await page.keyboard.press('b');
  await expect(pg.threads.state('T1')).toContainText('blocked in a fault');
  await pg.shot('keyboard');
});

test('a scenario from the library, stepped through with its narration', async ({ pg, page }) => {
  await pg.open();
  await page.getByTestId('header.library').click();
  const items = page.getByTestId('library.item');
  await expect(items.first()).toBeVisible();
  await items.first().getByTestId('library.load').click();
  await expect(page.getByTestId('header.scenario')).toBeVisible();
  await expect(pg.position).toHaveText(/step 0 \/ \d+/);
  await pg.step();
  await expect(pg.position).toHaveText(/step 1 \/ \d+/);
  await expect(pg.narration).not.toHaveText('');
  await pg.shot('scenario');
  await pg.back();
  await expect(pg.position).toHaveText(/step 0 \/ \d+/);
});

test('an older kernel profile greys out what it lacks, with the release that added it', async ({
  pg,
  page,
}) => {
  await pg.open();
  await page.getByTestId('header.kernel').selectOption('5.7');
  const move = page.getByTestId('monitor.call').locator('option[value="UFFDIO_MOVE"]');
  await expect(move).toHaveText('UFFDIO_MOVE (since 6.8)');
  await pg.monitor.compose('UFFDIO_API');
  const minor = page.getByTestId('monitor.flag.UFFD_FEATURE_MINOR_SHMEM').locator('xpath=..');
  await expect(minor).toHaveClass('unavailable');
  await expect(minor).toContainText('(since 5.14)');
  await pg.monitor.compose('UFFDIO_MOVE');
  await expect(page.getByTestId('monitor.unavailable')).toContainText('appeared in Linux 6.8');
  await pg.shot('kernel-5.7');
});

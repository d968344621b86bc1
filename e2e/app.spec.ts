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

// Every built-in scenario loads from the library and plays to its last step in the page, with no
// error on the page on the way.
import { expect, test } from './fixtures/playground';

test('every scenario in the library plays to its end', async ({ pg, page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await pg.open();
  await page.getByTestId('header.library').click();
  const items = page.getByTestId('library.item');
  await expect(items.first()).toBeVisible();
  const ids = await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.scenario!));
  expect(ids.length).toBeGreaterThan(10);
  for (const id of ids) {
    if (!(await page.getByTestId('dialog.library').isVisible()))
      await page.getByTestId('header.library').click();
    await page
      .locator(`[data-testid="library.item"][data-scenario="${id}"]`)
      .getByTestId('library.load')
      .click();
    const total = Number((await pg.position.textContent())!.split('/')[1]);
    await page.getByTestId('timeline.scrub').fill(String(total));
    await expect(pg.position, id).toHaveText(`step ${total} / ${total}`);
    await expect(pg.narration, id).not.toBeEmpty();
  }
  await pg.shot('last-scenario');
  expect(errors).toEqual([]);
});

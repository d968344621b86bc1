// What survives: a reload, a shared link; and bad input in a form, which loses nothing.
import { expect, test } from './fixtures/playground';

test('bad input in a form is marked where it is, runs nothing, and keeps what was typed', async ({ pg }) => {
  await pg.open();
  const { monitor } = pg;
  await monitor.compose('mmap');
  await monitor.run();
  await monitor.compose('UFFDIO_COPY');
  await monitor.fill({ dst: 'b+1p', len: '2q' });
  await expect(monitor.fieldError('dst')).toHaveText("unknown name 'b' (at column 1)");
  await monitor.root.getByTestId('monitor.submit').click();
  await expect(monitor.invalid).toContainText('Not run: dst, len need fixing');
  await expect(monitor.field('dst')).toHaveValue('b+1p');
  await expect(pg.position).toHaveText('step 1 / 1');
  await pg.shot('form-error');

  // A name the form accepts but the session does not have: the engine refuses it, nothing is kept.
  await monitor.compose('close');
  await monitor.fill({ fd: 'nosuch' });
  await monitor.run();
  await expect(monitor.error).toContainText('Not run:');
  await expect(pg.position).toHaveText('step 1 / 1');
});

test('a reload brings the session back, at the same step', async ({ pg, page }) => {
  await pg.open();
  await pg.console.open();
  await pg.console.type('a = mmap(4p, anon)');
  await pg.console.type('uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)');
  await pg.console.type('api');
  await pg.console.type('register a 4p');
  await pg.console.type('touch T1 a+2p');
  await expect(pg.threads.state('T1')).toContainText('blocked in a fault');
  await pg.back();
  await expect(pg.position).toHaveText('step 4 / 5');
  await page.reload();
  await pg.ready();
  await expect(pg.position).toHaveText('step 4 / 5');
  await expect(pg.grid.area('a').getByTestId('grid.registration')).toHaveText('a (4p) MISSING on uffd');
  await pg.step();
  await expect(pg.threads.state('T1')).toContainText('blocked in a fault');
  await pg.shot('restored');
});

test('a shared link opens the same session elsewhere', async ({ pg, page, browser }) => {
  await pg.open();
  await pg.console.open();
  await pg.console.type('a = mmap(8p, shmem)');
  await pg.console.type('touch T1 a+3p write');
  await expect(pg.threads.state('T1')).toHaveText('done');
  await page.getByTestId('header.share').click();
  await expect(page).toHaveURL(/#s=/);
  const link = page.url();
  const other = await browser.newPage();
  await other.goto(link);
  await expect(other.locator('html[data-ready="true"]')).toBeAttached();
  await expect(other.getByTestId('timeline.position')).toHaveText('step 2 / 2');
  await expect(other.locator('[data-testid="threads.lane"][data-thread="T1"]')).toHaveAttribute(
    'data-state',
    'done',
  );
  await other.close();
});

test('a damaged link says so and opens a new session', async ({ pg, page }) => {
  await page.goto('/#s=not-a-session');
  await pg.ready();
  await expect(page.getByTestId('app.notice')).toContainText('the link is damaged');
  await expect(pg.position).toHaveText('step 0 / 0');
});

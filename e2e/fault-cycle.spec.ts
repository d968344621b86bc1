// The whole fault cycle through the forms and the grid, as a user would do it.
import { expect, test } from './fixtures/playground';

test('a missing fault from mmap to UFFDIO_COPY, then EEXIST', async ({ pg }) => {
  await pg.open();
  const { monitor, grid, threads, queue } = pg;

  await monitor.compose('mmap');
  await monitor.run();
  await expect(grid.area('a')).toContainText('anon · 4 pages');

  await monitor.compose('userfaultfd');
  await monitor.run();
  await expect(monitor.returned).toContainText('= 3');
  await expect(queue.uffd('uffd')).toContainText('no API yet');

  await monitor.compose('UFFDIO_API');
  await monitor.run();
  await expect(monitor.returned).toHaveText('= 0');
  await expect(monitor.structField('ioctls')).toHaveAttribute('data-changed', 'true');
  await expect(queue.uffd('uffd')).toContainText('API done');

  await monitor.compose('UFFDIO_REGISTER');
  await expect(monitor.preview).toHaveText(
    'ioctl(uffd, UFFDIO_REGISTER, {range: {start: a, len: 4p}, mode: UFFDIO_REGISTER_MODE_MISSING})',
  );
  await monitor.run();
  await expect(monitor.returned).toHaveText('= 0');
  await expect(grid.area('a').getByTestId('grid.registration')).toHaveText('a (4p) MISSING on uffd');
  await pg.shot('registered');

  await grid.select('a', 1);
  await threads.add('T1');
  await threads.read('T1');
  await expect(threads.state('T1')).toContainText('blocked in a fault');
  await expect(threads.detail('T1')).toContainText('read a+1p');
  await expect(grid.inspector).toContainText('T1 blocked here');
  await expect(queue.pending('uffd')).toHaveCount(1);
  await expect(queue.pending('uffd')).toContainText('a+1p');
  await expect(queue.pending('uffd')).toContainText('MISSING fault, read');
  await pg.shot('blocked');

  await monitor.compose('read');
  await monitor.run();
  await expect(monitor.returned).toHaveText('= 32');
  await expect(monitor.msgField('event')).toContainText('UFFD_EVENT_PAGEFAULT (0x12)');
  await expect(monitor.msgField('arg.pagefault.address')).toContainText('a+1p');
  await expect(monitor.msgField('arg.pagefault.flags')).toContainText('0');
  await expect(monitor.msgBytes.locator('.byte')).toHaveCount(32);
  await expect(monitor.msgBytes.locator('.byte').first()).toHaveText('12');
  await expect(queue.pending('uffd')).toHaveCount(0);
  await expect(queue.waiting('uffd')).toHaveCount(1);
  await pg.shot('read');

  await monitor.compose('UFFDIO_COPY');
  await expect(monitor.preview).toHaveText(
    'ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p, mode: 0})',
  );
  await monitor.run();
  await expect(monitor.returned).toHaveText('= 0');
  await expect(monitor.structField('copy')).toHaveAttribute('data-changed', 'true');
  await expect(monitor.structField('copy')).toContainText('4096');
  await expect(threads.state('T1')).toHaveText('done');
  await expect(threads.detail('T1')).toContainText('read 0x41');
  await expect(grid.inspector).toContainText('a+1p');
  await expect(grid.inspector).toContainText('present');
  await expect(queue.waiting('uffd')).toHaveCount(0);
  await expect(monitor.changes).toContainText('a+1p: missing → present (41)');
  await pg.shot('copied');

  await monitor.run();
  await expect(monitor.errno).toHaveText('EEXIST');
  await expect(monitor.returned).toContainText('= -1 EEXIST (File exists)');
  await expect(monitor.meaning).toContainText('already mapped');
  await expect(monitor.structField('copy')).toContainText('-EEXIST (-17)');
  await pg.shot('eexist');
  await expect(pg.position).toHaveText('step 8 / 8');
});

test('the auto monitor resolves faults as the selftests do, and the hover card tells a page', async ({
  pg,
  page,
}) => {
  await pg.open();
  await pg.console.open();
  const c = pg.console;
  await c.type('a = mmap(4p, anon)');
  await c.type('uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)');
  await c.type('api');
  await c.type('register a 4p missing');
  await page.getByTestId('tab.monitor').click();
  await pg.grid.hover('a', 2);
  await expect(pg.grid.tooltip).toContainText('a+2p');
  await expect(pg.grid.tooltip).toContainText('missing');
  await expect(pg.grid.tooltip).toContainText('registered MISSING on uffd');

  await page.getByTestId('monitor.auto').click();
  await expect(page.getByTestId('monitor.auto')).toHaveAttribute('aria-pressed', 'true');
  await pg.grid.select('a', 2);
  await pg.threads.add('T1');
  await pg.threads.write('T1');
  // touch, then the monitor's read and UFFDIO_COPY: three steps, and T1 is through.
  await expect(pg.position).toHaveText('step 7 / 7');
  await expect(pg.threads.state('T1')).toHaveText('done');
  await expect(pg.grid.inspector).toContainText('present');
  await pg.shot('auto-monitor');
  await pg.console.open();
  await c.expectRow('read(uffd)   # auto monitor');
  await c.expectRow(
    'ioctl(uffd, UFFDIO_COPY, {dst: a+2p, src: {fill: 0x41}, len: 1p, mode: 0})   # auto monitor',
  );
});

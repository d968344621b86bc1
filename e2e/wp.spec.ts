// A write-protect fault, resolved by removing the protection.
import { expect, test } from './fixtures/playground';

test('a write to a write-protected page blocks until UFFDIO_WRITEPROTECT removes the protection', async ({
  pg,
}) => {
  await pg.open();
  const { monitor, grid, threads, queue } = pg;
  await monitor.compose('mmap');
  await monitor.run();
  await grid.select('a', 1);
  await threads.add('T1');
  await threads.write('T1');
  await expect(threads.state('T1')).toHaveText('done');
  await expect(grid.inspector).toContainText('present');

  await monitor.compose('userfaultfd');
  await monitor.run();
  await monitor.compose('UFFDIO_API');
  await monitor.run();
  await monitor.compose('UFFDIO_REGISTER');
  await monitor.setFlag('UFFDIO_REGISTER_MODE_MISSING', false);
  await monitor.setFlag('UFFDIO_REGISTER_MODE_WP', true);
  await monitor.run();
  await expect(monitor.structField('ioctls')).toContainText('_UFFDIO_WRITEPROTECT');

  await monitor.compose('UFFDIO_WRITEPROTECT');
  await expect(monitor.preview).toHaveText(
    'ioctl(uffd, UFFDIO_WRITEPROTECT, {range: {start: a+1p, len: 1p}, mode: UFFDIO_WRITEPROTECT_MODE_WP})',
  );
  await monitor.run();
  await expect(monitor.returned).toHaveText('= 0');
  await expect(grid.inspector).toContainText('write-protected');

  await threads.write('T1');
  await expect(threads.state('T1')).toContainText('blocked in a fault');
  await expect(queue.pending('uffd')).toContainText('WP fault, write');
  await pg.shot('wp-blocked');

  await monitor.compose('read');
  await monitor.run();
  await expect(monitor.msgField('arg.pagefault.flags')).toContainText(
    'UFFD_PAGEFAULT_FLAG_WRITE|UFFD_PAGEFAULT_FLAG_WP',
  );

  await monitor.compose('UFFDIO_WRITEPROTECT');
  await monitor.setFlag('UFFDIO_WRITEPROTECT_MODE_WP', false);
  await expect(monitor.preview).toHaveText(
    'ioctl(uffd, UFFDIO_WRITEPROTECT, {range: {start: a+1p, len: 1p}, mode: 0})',
  );
  await monitor.run();
  await expect(threads.state('T1')).toHaveText('done');
  await expect(grid.inspector).toContainText('present');
  await pg.shot('wp-resolved');
});

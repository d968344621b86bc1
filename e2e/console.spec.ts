// The same fault cycle typed in the console, and what a typing mistake does.
import { expect, test } from './fixtures/playground';

test('the fault cycle typed in the console', async ({ pg }) => {
  await pg.open();
  await pg.console.open();
  const c = pg.console;
  await c.type('a = mmap(4p, anon)');
  await c.type('uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)');
  await c.expectRow('= 3 (fd 3)');
  await c.type('ioctl(uffd, UFFDIO_API, {api: UFFD_API, features: 0})');
  await c.type('register a 4p missing');
  await c.expectRow(
    '→ ioctl(uffd, UFFDIO_REGISTER, {range: {start: a, len: 4p}, mode: UFFDIO_REGISTER_MODE_MISSING})',
  );
  await c.type('touch(T1, a+1p, read)');
  await c.expectRow('T1 blocks in a fault at a+1p');
  await expect(pg.threads.state('T1')).toContainText('blocked in a fault');
  await expect(pg.queue.pending('uffd')).toHaveCount(1);
  await c.type('read(uffd)');
  await c.expectRow('UFFD_EVENT_PAGEFAULT flags=0 address=a+1p');
  await c.type('ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p})');
  await c.expectRow('copy: 0 → 4096');
  await expect(pg.threads.state('T1')).toHaveText('done');
  await c.type('copy a+1p');
  await c.expectRow('= -1 EEXIST (File exists)');
  await pg.shot('console');
});

test('a mistake in the console is pointed at, and the line comes back to fix', async ({ pg }) => {
  await pg.open();
  await pg.console.open();
  const c = pg.console;
  await c.type('a = mmap(4p, anon)');
  await c.type('touch(T1, a+*1p, read)');
  await c.expectRow("error at column 13: unexpected '*'");
  await c.expectRow(/^ {18}\^$/);
  expect(await c.currentLine()).toBe('uffd$ touch(T1, a+*1p, read)');
  await c.clearLine();
  await c.type('ioctl(uffd, UFFDIO_COPPY, {})');
  await c.expectRow("unknown ioctl 'UFFDIO_COPPY' — did you mean 'UFFDIO_COPY'?");
  await expect(pg.position).toHaveText('step 1 / 1');
  await pg.shot('console-error');
});

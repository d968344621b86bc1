// The real-kernel path: the page opened from the link a running agent prints, the session run on
// this machine's kernel, its doctor, and the simulated-vs-real comparison.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from './fixtures/playground';

let agent: ChildProcess | undefined;
let link = '';

test.beforeAll(async () => {
  // node --import tsx: one process, so the SIGINT below reaches the agent itself.
  agent = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/node/agent/main.ts', '--port', '7391', '--page', 'http://127.0.0.1:4173/'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  link = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the agent printed no link:\n${out}`)), 20_000);
    const read = (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:4173\/\?agent=\S+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    agent!.stdout!.on('data', read);
    agent!.stderr!.on('data', read);
    agent!.on('exit', (code) => reject(new Error(`the agent exited (${code}):\n${out}`)));
  });
});

test.afterAll(async () => {
  if (!agent || agent.exitCode !== null) return;
  const exited = new Promise((r) => agent!.once('exit', r));
  agent.kill('SIGINT');
  await exited;
});

test('the session runs on the real kernel through the agent, and compares with the simulator', async ({
  pg,
  page,
}) => {
  await page.goto(link);
  await pg.ready();
  await expect(page.getByTestId('header.engine')).toContainText('real kernel');
  await expect(page.getByTestId('header.engine')).toContainText('agent connected');
  // The token has left the address bar (history, shared links), and a reload still reconnects.
  expect(page.url()).not.toContain('token=');
  await page.reload();
  await pg.ready();
  await expect(page.getByTestId('header.engine')).toContainText('agent connected');

  await pg.console.open();
  const c = pg.console;
  await c.type('a = mmap(4p, anon)');
  await c.type('uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)');
  await c.type('api');
  await c.type('register a 4p missing');
  await c.type('touch T1 a+1p');
  await expect(pg.threads.state('T1')).toContainText('blocked in a fault');
  await expect(pg.queue.pending('uffd')).toHaveCount(1);
  await c.type('read');
  await c.expectRow('UFFD_EVENT_PAGEFAULT flags=0 address=a+1p');
  await c.type('copy a+1p');
  await expect(pg.threads.state('T1')).toHaveText('done');
  await c.type('copy a+1p');
  await c.expectRow('= -1 EEXIST (File exists)');
  await pg.shot('real-kernel');

  await page.getByTestId('header.engine').click();
  await expect(page.getByTestId('agent.doctor')).toContainText('kernel');
  await expect(page.getByTestId('agent.doctor')).toContainText('UFFDIO_API');
  await page.getByTestId('agent.compare').click();
  const steps = page.getByTestId('compare.step');
  await expect(steps).toHaveCount(8);
  await expect(page.getByTestId('compare.limits')).toBeVisible();
  await pg.shot('compare');
});

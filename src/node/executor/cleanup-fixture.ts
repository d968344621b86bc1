// Run by cleanup.test.ts in a process of its own: a session with a thread blocked in a fault and
// one blocked in an event, then the way out its argument names: `sigterm` (the handlers dispose
// every session) or `exit` (process.exit() with the threads still blocked); `exit-hook-only`
// installs only the exit hook, as the agent does (it handles the signals itself), then exits.
import type { Operation } from '../../portable/model/operation';
import { closeOnExit, installCleanupHandlers, KernelExecutor } from './index';

const how = process.argv[2];
const x = await KernelExecutor.create();
if (how === 'exit-hook-only') closeOnExit();
else installCleanupHandlers();
const ops: Operation[] = [
  { op: 'mmap', as: 'a', kind: 'anon', len: '4p' },
  { op: 'userfaultfd', flags: 'O_NONBLOCK', as: 'uffd' },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_API',
    arg: { api: 'UFFD_API', features: 'UFFD_FEATURE_EVENT_REMOVE' },
  },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_REGISTER',
    arg: { range: { start: 'a', len: '4p' }, mode: 'MISSING' },
  },
  { op: 'touch', thread: 'T1', addr: 'a', access: 'read' },
  { op: 'madvise', thread: 'T2', addr: 'a+1p', len: '1p', advice: 'MADV_DONTNEED' },
];
for (const op of ops) {
  const r = await x.run(op);
  if (r.usageError || (r.ret === -1 && !r.blocked)) throw new Error(`${op.op} failed`);
}
console.log('blocked');
if (how === 'sigterm') {
  setInterval(() => undefined, 1000); // a server would keep the process alive
  process.kill(process.pid, 'SIGTERM');
} else process.exit(3);

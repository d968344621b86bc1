// Run by unprivileged.test.ts as an unprivileged user: what the executor can and cannot do
// without root, printed as JSON (one line).
import type { Operation } from '../../portable/model/operation';
import { KernelExecutor, probeKernel } from './index';

const x = await KernelExecutor.create();
const ops: Operation[] = [
  { op: 'mmap', as: 'a', kind: 'anon', len: '2p' },
  { op: 'userfaultfd', flags: ['O_NONBLOCK'], as: 'plain' },
  { op: 'userfaultfd', flags: ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY'], as: 'uffd' },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_API',
    arg: { api: 'UFFD_API', features: 'UFFD_FEATURE_EVENT_FORK' },
  },
  { op: 'userfaultfd', flags: ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY'], as: 'u2' },
  { op: 'ioctl', fd: 'u2', request: 'UFFDIO_API', arg: { api: 'UFFD_API', features: 0 } },
  {
    op: 'ioctl',
    fd: 'u2',
    request: 'UFFDIO_REGISTER',
    arg: { range: { start: 'a', len: '2p' }, mode: 'MISSING' },
  },
  { op: 'touch', thread: 'T1', addr: 'a', access: 'read' },
  { op: 'read', fd: 'u2' },
  { op: 'ioctl', fd: 'u2', request: 'UFFDIO_ZEROPAGE', arg: { range: { start: 'a', len: '1p' } } },
  { op: 'open', path: '/dev/userfaultfd', as: 'dev' },
  { op: 'mmap', as: 'h', kind: 'hugetlb', len: '1h' },
];
const results = [];
for (const op of ops) {
  const r = await x.run(op);
  results.push({
    op: op.op,
    ret: r.ret,
    errno: r.errno,
    usageError: r.usageError?.message,
    blocked: r.blocked,
  });
}
const last = await x.run({ op: 'poll', fd: 'u2' });
const page0 = last.snapshot.areas.find((a) => a.name === 'a')?.pages[0];
const t1 = last.snapshot.threads.find((t) => t.name === 'T1');
await x.dispose();
const p = probeKernel();
console.log(
  JSON.stringify({ uid: process.getuid?.(), results, page0, t1: t1?.state, probe: p }, (_k, v) =>
    typeof v === 'bigint' ? `0x${v.toString(16)}` : v,
  ),
);
process.exit(0);

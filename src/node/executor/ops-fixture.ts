// Runs operations in a process of its own, for tests that need another user or environment: the
// operations come as JSON in the first argument; what they returned, and the kernel probe, go to
// stdout as one line of JSON (bigints as hex strings).
import type { Operation } from '../../portable/model/operation';
import { toWire } from '../../portable/model/wire';
import { KernelExecutor, probeKernel } from './index';

const ops = JSON.parse(process.argv[2] ?? '[]') as Operation[];
const x = await KernelExecutor.create();
const results = [];
for (const op of ops) {
  const r = await x.run(op);
  results.push({
    op: op.op,
    ret: r.ret,
    errno: r.errno,
    usageError: r.usageError?.message,
    blocked: r.blocked,
    areas: r.snapshot.areas.map((a) => ({ name: a.name, pages: [...a.pages] })),
    threads: r.snapshot.threads.map((t) => ({ name: t.name, state: t.state })),
  });
}
await x.dispose();
console.log(toWire({ uid: process.getuid?.(), results, probe: probeKernel() }));
process.exit(0);

// Holds the huge page pool's lock for a while, for hugepages.test.ts: prints `held` once it has the
// lock, then after a pause writes `released` to the file it was given, still holding it.

import { writeFileSync } from 'node:fs';
import { withPoolLock } from './hugepages';

const marker = process.argv[2]!;
withPoolLock(() => {
  process.stdout.write('held\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  writeFileSync(marker, 'released');
});

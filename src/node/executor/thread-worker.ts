// A named thread's body. With the C helper the thread stays in its command loop (uh_serve): it
// waits on a futex in shared memory, does each command (a touch, fork, the memory calls that may
// block on a uffd event) and posts the result, with no JavaScript in between. Without the helper
// this loop does the memory calls through libc; touches and fork then say they cannot run.
// Either way it may block inside the kernel for as long as the fault or event lasts; the executor
// watches it from outside and never waits for it on the event loop.

import { workerData } from 'node:worker_threads';
import { loadHelper, os } from './os';
import * as P from './thread-protocol';

const sab = (workerData as { sab: SharedArrayBuffer }).sab;
const i32 = new Int32Array(sab);
const i64 = new BigInt64Array(sab);

const one = new BigUint64Array([1n]);
const oneBytes = new Uint8Array(one.buffer);

function finish(state: number): void {
  Atomics.store(i32, P.STATE, state);
  Atomics.notify(i32, P.STATE);
  const notify = Atomics.load(i32, P.NOTIFY);
  if (notify > 0) os.write(notify, oneBytes, 8);
}

const ENOSYS = 38;

function runWithoutHelper(): void {
  const a = (i: number): bigint => i64[P.ARG + i]!;
  let seen = Atomics.load(i32, P.SEQ);
  for (;;) {
    while (Atomics.load(i32, P.SEQ) === seen) {
      if (i64[P.QUIT]) return;
      Atomics.wait(i32, P.SEQ, seen);
    }
    seen = Atomics.load(i32, P.SEQ);
    let r: bigint | number = -ENOSYS;
    switch (i64[P.CMD]) {
      case P.Cmd.MADVISE:
        r = os.madvise(a(0), a(1), Number(a(2)));
        break;
      case P.Cmd.MMAP:
        r = os.mmap(a(0), a(1), Number(a(2)), Number(a(3)), -1, 0n);
        break;
      case P.Cmd.MUNMAP:
        r = os.munmap(a(0), a(1));
        break;
      case P.Cmd.MREMAP:
        r = os.mremap(a(0), a(1), a(2), Number(a(3)), a(4));
        break;
      case P.Cmd.QUIT:
        return;
    }
    i64[P.RET] = BigInt(r);
    finish(P.ThreadState.DONE);
  }
}

const loaded = loadHelper();
Atomics.store(i32, P.TID, loaded.ok ? loaded.helper.adoptThread() : os.gettid());
finish(P.ThreadState.IDLE);
if (loaded.ok) loaded.helper.serve(sab);
else runWithoutHelper();
finish(P.ThreadState.GONE);

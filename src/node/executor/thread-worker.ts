// A named thread's body: waits for a command in shared memory, does it (through the C helper for
// touches and fork, libc for the memory calls that may block on a uffd event), posts the result.
// It may block inside the kernel for as long as the fault or event lasts; the executor watches it
// from outside (/proc/self/task/<tid>/wchan) and never waits for it on the event loop.

import { workerData } from 'node:worker_threads';
import { loadHelper, os, type Helper } from './os';
import * as P from './thread-protocol';

const sab = (workerData as { sab: SharedArrayBuffer }).sab;
const i32 = new Int32Array(sab);
const i64 = new BigInt64Array(sab);
const progress = new BigInt64Array(sab, P.PROGRESS * 8, 1);

const one = new BigUint64Array([1n]);
const oneBytes = new Uint8Array(one.buffer);

function finish(state: number): void {
  Atomics.store(i32, P.STATE, state);
  Atomics.notify(i32, P.STATE);
  const notify = Atomics.load(i32, P.NOTIFY);
  if (notify > 0) os.write(notify, oneBytes, 8);
}

const ENOSYS = 38;

function run(helper: Helper | undefined): void {
  const a = (i: number): bigint => i64[P.ARG + i]!;
  let seen = Atomics.load(i32, P.SEQ);
  for (;;) {
    Atomics.wait(i32, P.SEQ, seen);
    seen = Atomics.load(i32, P.SEQ);
    const cmd = i64[P.CMD];
    let r: bigint | number = 0;
    switch (cmd) {
      case P.Cmd.TOUCH: {
        if (!helper) {
          r = -ENOSYS;
          break;
        }
        const out = helper.touch(a(0), a(1), a(2) !== 0n, Number(a(3)), progress);
        i64[P.OUT_STATUS] = BigInt(out.status);
        i64[P.OUT_VALUE] = BigInt(out.value);
        i64[P.OUT_CODE] = BigInt(out.siCode);
        i64[P.OUT_ADDR] = out.siAddr;
        r = 0; // a touch is no system call: how it ended is the thread's state
        break;
      }
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
      case P.Cmd.FORK:
        r = helper ? helper.fork(Number(a(0)), Number(a(1))) : -ENOSYS;
        break;
      case P.Cmd.QUIT:
        finish(P.ThreadState.GONE);
        return;
    }
    i64[P.RET] = BigInt(r);
    finish(P.ThreadState.DONE);
  }
}

// Without the helper the thread still does the memory calls; touches and fork need the helper.
const loaded = loadHelper();
const helper = loaded.ok ? loaded.helper : undefined;
Atomics.store(i32, P.TID, helper ? helper.adoptThread() : os.gettid());
finish(P.ThreadState.IDLE);
run(helper);

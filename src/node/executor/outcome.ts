// What an operation handler reports before the snapshot is taken: the Result without `op`,
// `snapshot` and `notes`. An operation run by a thread fills it in when the thread finishes.

import { errnoName } from '../../portable/uapi';
import type { Result } from '../../portable/model/result';

export type Outcome = {
  -readonly [K in keyof Omit<Result, 'op' | 'snapshot' | 'notes' | 'usageError'>]: Result[K];
};

/** A syscall's outcome from its return value (-errno on failure), as C sees it. */
export function fromRet(call: string, r: number | bigint): Outcome {
  const n = Number(r);
  return n < 0 ? { call, ret: -1, errno: -n } : { call, ret: n };
}

/** Fills an outcome from a thread's finished call. */
export function finishWith(o: Outcome, r: bigint): void {
  if (r < 0n) {
    o.ret = -1;
    o.errno = Number(-r);
  } else {
    o.ret = Number(r);
    if (o.errno !== undefined) delete o.errno;
  }
}

export const describeErrno = (e: number | undefined): string =>
  e === undefined ? '' : ` = -1 ${errnoName(e)}`;

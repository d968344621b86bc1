// What an operation returned, before the snapshot is added: the Result without op and snapshot.

import type { Result } from '../../model/result';

export type Outcome = Omit<Result, 'op' | 'snapshot' | 'notes'>;

/** A syscall's return: >= 0 as it is, -errno as ret -1 with errno. */
export function syscallOutcome(ret: number, call: string, extra: Partial<Outcome> = {}): Outcome {
  return ret < 0 ? { call, ret: -1, errno: -ret } : { call, ret, ...extra };
}

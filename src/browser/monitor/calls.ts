// The calls the monitor can compose, grouped as the picker shows them, and when each appeared.

import type { CallName } from '../../portable/uapi/errno-meanings';
import { IOCTLS, type IoctlName } from '../../portable/uapi/names';
import { SINCE, hasConstant } from '../../portable/uapi/history';

/** The calls errno-meanings.ts explains, and fork, exit, touch and signal. */
export type CallId = CallName | 'fork' | 'exit' | 'touch' | 'signal';

const IOCTL_ORDER: IoctlName[] = [
  'UFFDIO_API',
  'UFFDIO_REGISTER',
  'UFFDIO_UNREGISTER',
  'UFFDIO_COPY',
  'UFFDIO_ZEROPAGE',
  'UFFDIO_WAKE',
  'UFFDIO_WRITEPROTECT',
  'UFFDIO_CONTINUE',
  'UFFDIO_POISON',
  'UFFDIO_MOVE',
];

export const CALL_GROUPS: readonly { readonly label: string; readonly calls: readonly CallId[] }[] = [
  {
    label: 'the uffd',
    calls: ['userfaultfd', 'open', 'USERFAULTFD_IOC_NEW', 'read', 'poll', 'close', 'fcntl'],
  },
  { label: 'ioctl(uffd, …)', calls: IOCTL_ORDER },
  { label: 'memory', calls: ['mmap', 'munmap', 'mremap', 'madvise', 'fork', 'exit'] },
  { label: 'threads', calls: ['touch', 'signal'] },
];

export const ALL_CALLS: readonly CallId[] = CALL_GROUPS.flatMap((g) => g.calls);

export const isIoctl = (c: string): c is IoctlName => IOCTLS.some((i) => i.name === c);

const SINCE_NAME: Partial<Record<CallId, string>> = { open: '/dev/userfaultfd' };

/** The release that added the call, when the profile may lack it. */
export function callSince(call: CallId): string | undefined {
  return SINCE[SINCE_NAME[call] ?? call];
}

export function callAvailable(call: CallId, kernel: string): boolean {
  return hasConstant(kernel, SINCE_NAME[call] ?? call);
}

export const CALL_LABEL: Record<CallId, string> = {
  UFFDIO_API: 'UFFDIO_API',
  UFFDIO_REGISTER: 'UFFDIO_REGISTER',
  UFFDIO_UNREGISTER: 'UFFDIO_UNREGISTER',
  UFFDIO_WAKE: 'UFFDIO_WAKE',
  UFFDIO_COPY: 'UFFDIO_COPY',
  UFFDIO_ZEROPAGE: 'UFFDIO_ZEROPAGE',
  UFFDIO_MOVE: 'UFFDIO_MOVE',
  UFFDIO_WRITEPROTECT: 'UFFDIO_WRITEPROTECT',
  UFFDIO_CONTINUE: 'UFFDIO_CONTINUE',
  UFFDIO_POISON: 'UFFDIO_POISON',
  USERFAULTFD_IOC_NEW: 'ioctl(dev, USERFAULTFD_IOC_NEW)',
  userfaultfd: 'userfaultfd()',
  open: 'open("/dev/userfaultfd")',
  read: 'read()',
  poll: 'poll()',
  close: 'close()',
  fcntl: 'fcntl()',
  mmap: 'mmap()',
  munmap: 'munmap()',
  mremap: 'mremap()',
  madvise: 'madvise()',
  fork: 'fork()',
  exit: 'exit() a child',
  touch: 'touch: a thread reads or writes',
  signal: 'signal a thread',
};

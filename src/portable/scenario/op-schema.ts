// What each operation's fields are, for the validator: which are required and what kind of value
// each takes. Mirrors model/operation.ts (which has the types; this has them as values).

import type { OpName } from '../model/operation';

export type FieldKind =
  | 'expr'
  | 'mask'
  /** A name this step defines: an fd, an area, a process. */
  | 'new-fd'
  | 'new-area'
  | 'new-process'
  /** A name defined by an earlier step. */
  | 'fd'
  | 'process'
  | 'thread'
  | 'file'
  | 'bool'
  | 'byte'
  | 'request'
  | 'ioctl-arg'
  | { readonly oneOf: readonly string[] }
  | { readonly listOf: readonly string[] };

export interface FieldSpec {
  readonly kind: FieldKind;
  readonly required?: boolean;
}

export const PROTS = ['PROT_NONE', 'PROT_READ', 'PROT_WRITE', 'PROT_EXEC'] as const;
export const ADVICES = [
  'MADV_DONTNEED',
  'MADV_REMOVE',
  'MADV_FREE',
  'MADV_DONTNEED_LOCKED',
  'MADV_PAGEOUT',
  'MADV_COLD',
] as const;
export const MREMAP_FLAGS = ['MREMAP_MAYMOVE', 'MREMAP_FIXED', 'MREMAP_DONTUNMAP'] as const;
export const AREA_KIND_NAMES = ['anon', 'shmem', 'memfd', 'hugetlb', 'file'] as const;

const req = (kind: FieldKind): FieldSpec => ({ kind, required: true });
const opt = (kind: FieldKind): FieldSpec => ({ kind });

export const OP_FIELDS: Record<OpName, Readonly<Record<string, FieldSpec>>> = {
  userfaultfd: { flags: opt('mask'), as: req('new-fd') },
  open: { path: req({ oneOf: ['/dev/userfaultfd'] }), flags: opt('mask'), as: req('new-fd') },
  ioctl: { fd: req('fd'), request: req('request'), arg: opt('ioctl-arg'), as: opt('new-fd') },
  close: { fd: req('fd') },
  read: { fd: req('fd'), size: opt('expr') },
  poll: { fd: req('fd') },
  fcntl: { fd: req('fd'), cmd: req({ oneOf: ['F_SETFL', 'F_GETFL'] }), flags: opt('mask') },
  mmap: {
    as: req('new-area'),
    kind: req({ oneOf: AREA_KIND_NAMES }),
    len: req('expr'),
    prot: opt({ listOf: PROTS }),
    shared: opt('bool'),
    file: opt('file'),
    offset: opt('expr'),
    fileSize: opt('expr'),
    readOnlyFd: opt('bool'),
    thread: opt('thread'),
  },
  munmap: { addr: req('expr'), len: req('expr'), thread: opt('thread') },
  mremap: {
    addr: req('expr'),
    oldLen: req('expr'),
    newLen: req('expr'),
    flags: opt({ listOf: MREMAP_FLAGS }),
    newAddr: opt('expr'),
    as: opt('new-area'),
    thread: opt('thread'),
  },
  madvise: { addr: req('expr'), len: req('expr'), advice: req({ oneOf: ADVICES }), thread: opt('thread') },
  fork: { child: req('new-process'), thread: opt('thread') },
  exit: { process: req('process') },
  touch: {
    thread: req('thread'),
    addr: req('expr'),
    access: req({ oneOf: ['read', 'write'] }),
    len: opt('expr'),
    value: opt('byte'),
  },
  signal: { thread: req('thread'), signal: req({ oneOf: ['SIGUSR1'] }) },
};

/** Keys every step may have besides its operation's fields. */
export const STEP_KEYS = ['op', 'say', 'expect'] as const;

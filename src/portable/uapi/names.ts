// Name tables over the constants: which struct each ioctl takes, and the named bits of every mask.

import type { StructName } from './structs';
import * as U from './userfaultfd';

export interface IoctlInfo {
  readonly name: IoctlName;
  /** The ioctl number: also its bit in an `ioctls` mask. */
  readonly nr: number;
  readonly request: number;
  readonly struct: StructName;
  /** The named bits of the struct's `mode` field. */
  readonly modes: readonly FlagInfo[];
}

export interface FlagInfo {
  readonly name: string;
  readonly value: bigint;
}

export type IoctlName =
  | 'UFFDIO_API'
  | 'UFFDIO_REGISTER'
  | 'UFFDIO_UNREGISTER'
  | 'UFFDIO_WAKE'
  | 'UFFDIO_COPY'
  | 'UFFDIO_ZEROPAGE'
  | 'UFFDIO_MOVE'
  | 'UFFDIO_WRITEPROTECT'
  | 'UFFDIO_CONTINUE'
  | 'UFFDIO_POISON';

const flags = (prefix: string, names: readonly string[]): FlagInfo[] =>
  names.map((n) => ({ name: prefix + n, value: (U as unknown as Record<string, bigint>)[prefix + n]! }));

export const REGISTER_MODES = flags('UFFDIO_REGISTER_MODE_', ['MISSING', 'WP', 'MINOR']);

export const IOCTLS: readonly IoctlInfo[] = [
  {
    name: 'UFFDIO_REGISTER',
    nr: U._UFFDIO_REGISTER,
    request: U.UFFDIO_REGISTER,
    struct: 'uffdio_register',
    modes: REGISTER_MODES,
  },
  {
    name: 'UFFDIO_UNREGISTER',
    nr: U._UFFDIO_UNREGISTER,
    request: U.UFFDIO_UNREGISTER,
    struct: 'uffdio_range',
    modes: [],
  },
  { name: 'UFFDIO_WAKE', nr: U._UFFDIO_WAKE, request: U.UFFDIO_WAKE, struct: 'uffdio_range', modes: [] },
  {
    name: 'UFFDIO_COPY',
    nr: U._UFFDIO_COPY,
    request: U.UFFDIO_COPY,
    struct: 'uffdio_copy',
    modes: flags('UFFDIO_COPY_MODE_', ['DONTWAKE', 'WP']),
  },
  {
    name: 'UFFDIO_ZEROPAGE',
    nr: U._UFFDIO_ZEROPAGE,
    request: U.UFFDIO_ZEROPAGE,
    struct: 'uffdio_zeropage',
    modes: flags('UFFDIO_ZEROPAGE_MODE_', ['DONTWAKE']),
  },
  {
    name: 'UFFDIO_MOVE',
    nr: U._UFFDIO_MOVE,
    request: U.UFFDIO_MOVE,
    struct: 'uffdio_move',
    modes: flags('UFFDIO_MOVE_MODE_', ['DONTWAKE', 'ALLOW_SRC_HOLES']),
  },
  {
    name: 'UFFDIO_WRITEPROTECT',
    nr: U._UFFDIO_WRITEPROTECT,
    request: U.UFFDIO_WRITEPROTECT,
    struct: 'uffdio_writeprotect',
    modes: flags('UFFDIO_WRITEPROTECT_MODE_', ['WP', 'DONTWAKE']),
  },
  {
    name: 'UFFDIO_CONTINUE',
    nr: U._UFFDIO_CONTINUE,
    request: U.UFFDIO_CONTINUE,
    struct: 'uffdio_continue',
    modes: flags('UFFDIO_CONTINUE_MODE_', ['DONTWAKE', 'WP']),
  },
  {
    name: 'UFFDIO_POISON',
    nr: U._UFFDIO_POISON,
    request: U.UFFDIO_POISON,
    struct: 'uffdio_poison',
    modes: flags('UFFDIO_POISON_MODE_', ['DONTWAKE']),
  },
  { name: 'UFFDIO_API', nr: U._UFFDIO_API, request: U.UFFDIO_API, struct: 'uffdio_api', modes: [] },
];

export const IOCTL_BY_NAME = new Map<string, IoctlInfo>(IOCTLS.map((i) => [i.name, i]));
export const IOCTL_BY_REQUEST = new Map<number, IoctlInfo>(IOCTLS.map((i) => [i.request, i]));

/** The named bits of an `ioctls` mask: `_UFFDIO_COPY` is bit 3. */
export const IOCTL_BITS: readonly FlagInfo[] = IOCTLS.map((i) => ({
  name: `_${i.name}`,
  value: 1n << BigInt(i.nr),
}));

export const FEATURES = flags('UFFD_FEATURE_', [
  'PAGEFAULT_FLAG_WP',
  'EVENT_FORK',
  'EVENT_REMAP',
  'EVENT_REMOVE',
  'MISSING_HUGETLBFS',
  'MISSING_SHMEM',
  'EVENT_UNMAP',
  'SIGBUS',
  'THREAD_ID',
  'MINOR_HUGETLBFS',
  'MINOR_SHMEM',
  'EXACT_ADDRESS',
  'WP_HUGETLBFS_SHMEM',
  'WP_UNPOPULATED',
  'POISON',
  'WP_ASYNC',
  'MOVE',
]);

export const PAGEFAULT_FLAGS: readonly FlagInfo[] = [
  { name: 'UFFD_PAGEFAULT_FLAG_WRITE', value: BigInt(U.UFFD_PAGEFAULT_FLAG_WRITE) },
  { name: 'UFFD_PAGEFAULT_FLAG_WP', value: BigInt(U.UFFD_PAGEFAULT_FLAG_WP) },
  { name: 'UFFD_PAGEFAULT_FLAG_MINOR', value: BigInt(U.UFFD_PAGEFAULT_FLAG_MINOR) },
];

export const USERFAULTFD_FLAGS: readonly FlagInfo[] = [
  { name: 'O_CLOEXEC', value: BigInt(U.O_CLOEXEC) },
  { name: 'O_NONBLOCK', value: BigInt(U.O_NONBLOCK) },
  { name: 'UFFD_USER_MODE_ONLY', value: BigInt(U.UFFD_USER_MODE_ONLY) },
];

/** The names of the set bits, table order; bits no name covers come last as hex. */
export function flagNames(value: bigint | number, table: readonly FlagInfo[]): string[] {
  let rest = BigInt(value);
  const names: string[] = [];
  for (const f of table) {
    if (rest & f.value) {
      names.push(f.name);
      rest &= ~f.value;
    }
  }
  if (rest !== 0n) names.push(`0x${rest.toString(16)}`);
  return names;
}

/** `A|B|0x10` for a mask, `0` when empty. */
export function formatFlags(value: bigint | number, table: readonly FlagInfo[]): string {
  const names = flagNames(value, table);
  return names.length ? names.join('|') : '0';
}

// struct file for the two kinds of fd the simulator hands out: a uffd and /dev/userfaultfd.

import { O_CLOEXEC, O_NONBLOCK, UFFD_USER_MODE_ONLY } from '../../uapi/userfaultfd';
import type { UserfaultfdCtx } from './userfaultfd-ctx';

export const O_RDWR = 0o2;
export const O_APPEND = 0o2000;
export const FASYNC = 0o20000;
export const O_DIRECT = 0o40000;
export const O_LARGEFILE = 0o100000;
export const O_NOATIME = 0o1000000;
/** The f_flags F_SETFL may change (fs/fcntl.c SETFL_MASK). */
export const SETFL_MASK = O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME;

export interface UffdFile {
  readonly kind: 'uffd';
  readonly ctx: UserfaultfdCtx;
  /** f_flags as F_GETFL shows them (O_RDONLY is 0). */
  fFlags: number;
  readonly cloexec: boolean;
}

export interface DevFile {
  readonly kind: 'dev';
  fFlags: number;
  readonly cloexec: boolean;
}

export type File = UffdFile | DevFile;

export function uffdFile(ctx: UserfaultfdCtx, flags: number): UffdFile {
  return { kind: 'uffd', ctx, fFlags: flags & O_NONBLOCK, cloexec: (flags & O_CLOEXEC) !== 0 };
}

/** UffdSnapshot.flags: O_NONBLOCK and O_CLOEXEC as the fd has them now, and the ctx's USER_MODE_ONLY. */
export function uffdSnapshotFlags(f: UffdFile): number {
  return (f.fFlags & O_NONBLOCK) | (f.cloexec ? O_CLOEXEC : 0) | (f.ctx.flags & UFFD_USER_MODE_ONLY);
}

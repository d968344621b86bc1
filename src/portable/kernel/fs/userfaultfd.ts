// fs/userfaultfd.c entry points: userfaultfd(2), the /dev/userfaultfd device, new_userfaultfd(),
// and the flat ioctl dispatcher that refuses everything but UFFDIO_API before the handshake.

import { IOCTL_BY_REQUEST } from '../../uapi/names';
import {
  O_CLOEXEC,
  O_NONBLOCK,
  UFFD_USER_MODE_ONLY,
  UFFDIO_API,
  USERFAULTFD_IOC_NEW,
} from '../../uapi/userfaultfd';
import { STRUCTS } from '../../uapi/structs';
import { E, type Kernel } from '../kernel';
import { uffdFile, type UffdFile } from './file';
import { UserStruct } from './user-struct';
import { userfaultfdApi } from './userfaultfd-api';
import { UserfaultfdCtx } from './userfaultfd-ctx';
import {
  userfaultfdContinue,
  userfaultfdCopy,
  userfaultfdPoison,
  userfaultfdZeropage,
} from './userfaultfd-fill';
import { userfaultfdMove } from './userfaultfd-move';
import { userfaultfdRegister, userfaultfdUnregister } from './userfaultfd-register';
import { userfaultfdWake, userfaultfdWriteprotect } from './userfaultfd-wp';

/** new_userfaultfd(): a ctx bound to the caller's mm (the monitor's: process main). */
export function newUserfaultfd(k: Kernel, flags: number): UffdFile | number {
  const allowed = O_CLOEXEC | O_NONBLOCK | (k.profile.userModeOnly ? UFFD_USER_MODE_ONLY : 0);
  if (flags & ~allowed) return -E.EINVAL;
  return uffdFile(new UserfaultfdCtx(k.currentMm, flags), flags);
}

/** userfaultfd_syscall_allowed(): user-mode-only, CAP_SYS_PTRACE, or vm.unprivileged_userfaultfd. */
function userfaultfdSyscallAllowed(k: Kernel, flags: number): boolean {
  const p = k.profile;
  if (!p.unprivilegedSysctl) return true;
  if (p.userModeOnly && flags & UFFD_USER_MODE_ONLY) return true;
  return k.capSysPtrace || k.unprivilegedUserfaultfd === 1;
}

/** SYSCALL_DEFINE1(userfaultfd): permission first, then the flags. */
export function sysUserfaultfd(k: Kernel, flags: number): UffdFile | number {
  if (!userfaultfdSyscallAllowed(k, flags)) return -E.EPERM;
  return newUserfaultfd(k, flags);
}

/** userfaultfd_dev_ioctl(): /dev/userfaultfd knows only USERFAULTFD_IOC_NEW. */
export function userfaultfdDevIoctl(k: Kernel, cmd: number, flags: number): UffdFile | number {
  if (cmd !== USERFAULTFD_IOC_NEW) return -E.EINVAL;
  return newUserfaultfd(k, flags);
}

/**
 * userfaultfd_ioctl(). `argp` is the caller's memory where the struct of `cmd` lies, null for a
 * pointer to no memory at all. An ioctl this release does not have is an unknown command.
 */
export function userfaultfdIoctl(k: Kernel, file: UffdFile, cmd: number, argp: Uint8Array | null): number {
  const ctx = file.ctx;
  if (cmd !== UFFDIO_API && !ctx.initialized) return -E.EINVAL;
  const info = IOCTL_BY_REQUEST.get(cmd);
  if (!info || !k.profile.has(info.name)) return -E.EINVAL;
  const arg = new UserStruct(STRUCTS[info.struct], argp);
  switch (info.name) {
    case 'UFFDIO_API':
      return userfaultfdApi(k, ctx, arg);
    case 'UFFDIO_REGISTER':
      return userfaultfdRegister(k, ctx, arg);
    case 'UFFDIO_UNREGISTER':
      return userfaultfdUnregister(k, ctx, arg);
    case 'UFFDIO_WAKE':
      return userfaultfdWake(k, ctx, arg);
    case 'UFFDIO_COPY':
      return userfaultfdCopy(k, ctx, arg);
    case 'UFFDIO_ZEROPAGE':
      return userfaultfdZeropage(k, ctx, arg);
    case 'UFFDIO_MOVE':
      return userfaultfdMove(k, ctx, arg);
    case 'UFFDIO_WRITEPROTECT':
      return userfaultfdWriteprotect(k, ctx, arg);
    case 'UFFDIO_CONTINUE':
      return userfaultfdContinue(k, ctx, arg);
    case 'UFFDIO_POISON':
      return userfaultfdPoison(k, ctx, arg);
  }
}

// The agent's one contact with the real-kernel executor: a session factory, the probe's facts in
// the doctor's words, and the cleanup to run before the process exits.

import { parseVersion } from '../../portable/uapi/history';
import {
  closeOnExit,
  disposeAll,
  KernelExecutor,
  probeKernel,
  type Attempt,
  type ExecutorOptions,
  type KernelProbe,
} from '../executor';
import type { AccessCheck } from '../../portable/protocol/doctor';
import type { KernelFacts } from './doctor';

/** A session on the real kernel, with the executor's default caps unless told otherwise. */
export const createKernelSession = (options: Partial<ExecutorOptions> = {}): Promise<KernelExecutor> =>
  KernelExecutor.create(options);

/** Every executor of this process disposed, and the idle thread pool ended. */
export const disposeAllSessions = (): Promise<void> => disposeAll();

/** Whatever way the process exits, every session's uffds are closed first (see closeOnExit). */
export const closeSessionsOnExit = (): void => closeOnExit();

const PAGE_SIZE = 4096;

function syscallCheck(p: KernelProbe): AccessCheck {
  const how = p.root
    ? 'as root'
    : p.capSysPtrace
      ? 'with CAP_SYS_PTRACE'
      : 'vm.unprivileged_userfaultfd=1 allows it';
  return {
    way: 'syscall',
    usable: p.syscall.ok,
    detail: p.syscall.ok
      ? `all faults, ${how}`
      : `${p.syscall.error}: needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1 (or use UFFD_USER_MODE_ONLY)`,
  };
}

function userModeOnlyCheck(a: Attempt): AccessCheck {
  return {
    way: 'syscall-user-mode-only',
    usable: a.ok,
    detail: a.ok
      ? 'faults from user space only; needs no privilege'
      : `${a.error}${a.error === 'EINVAL' ? ': the flag arrived in Linux 5.11' : ''}`,
  };
}

function devCheck(d: KernelProbe['devUserfaultfd']): AccessCheck {
  let detail: string;
  if (d.ok) detail = 'open() and USERFAULTFD_IOC_NEW work; needs no privilege beyond the file mode';
  else if (!d.exists) detail = 'no such device (it arrived in Linux 6.1)';
  else if (d.error === 'EACCES')
    detail = 'EACCES: the device is root-only by default; a udev rule can give a group access';
  else detail = `${d.error}`;
  return { way: 'dev-userfaultfd', usable: d.ok, detail };
}

/** The probe's answers, in the doctor's words. */
export function kernelFacts(p: KernelProbe): KernelFacts {
  const version = parseVersion(p.release);
  return {
    kernel: {
      release: p.release,
      version: version ? `${version[0]}.${version[1]}` : p.release,
      arch: p.machine,
      pageSize: PAGE_SIZE,
    },
    user: { uid: process.getuid?.() ?? -1, root: p.root, capSysPtrace: p.capSysPtrace },
    unprivilegedUserfaultfd: p.unprivilegedUserfaultfd ?? null,
    access: [syscallCheck(p), userModeOnlyCheck(p.userModeOnly), devCheck(p.devUserfaultfd)],
    api: p.api
      ? { features: p.api.featureNames, ioctls: p.api.ioctlNames }
      : { error: 'not asked: no userfaultfd could be created' },
    hugePages: {
      size: p.hugePages.size,
      total: p.hugePages.total,
      free: Math.max(0, p.hugePages.free - p.hugePages.reserved),
      reservable: p.hugePages.canReserve,
    },
    helper: p.helper.ok
      ? { available: true, detail: 'built with the system C compiler and loaded' }
      : { available: false, detail: p.helper.why ?? 'not available' },
  };
}

export const probeKernelFacts = (): KernelFacts => kernelFacts(probeKernel());

// What this machine's kernel offers, for the agent's doctor: plain data, the agent formats it.

import { machine, release } from 'node:os';
import {
  errnoName,
  FEATURES,
  flagNames,
  IOCTL_BITS,
  O_CLOEXEC,
  O_NONBLOCK,
  STRUCTS,
  UFFD_API,
  UFFD_USER_MODE_ONLY,
  UFFDIO_API,
  USERFAULTFD_IOC_NEW,
  encodeStruct,
  decodeStruct,
} from '../../portable/uapi';
import { canReserve, hugePageInfo } from './hugepages';
import { loadHelper, os } from './os';
import { readProc } from './proc';

export interface Attempt {
  readonly ok: boolean;
  /** errno name when it failed. */
  readonly error?: string;
}

export interface KernelProbe {
  /** uname -r, e.g. `6.18.44`. */
  readonly release: string;
  readonly machine: string;
  readonly root: boolean;
  /** CAP_SYS_PTRACE in the effective set: userfaultfd(2) without UFFD_USER_MODE_ONLY, and EVENT_FORK. */
  readonly capSysPtrace: boolean;
  /** vm.unprivileged_userfaultfd, when the sysctl exists. */
  readonly unprivilegedUserfaultfd?: number;
  /** userfaultfd(O_CLOEXEC|O_NONBLOCK). */
  readonly syscall: Attempt;
  /** userfaultfd(O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY). */
  readonly userModeOnly: Attempt;
  /** open("/dev/userfaultfd") and USERFAULTFD_IOC_NEW. */
  readonly devUserfaultfd: Attempt & { readonly exists: boolean };
  /** What UFFDIO_API reports, from the first way that worked. */
  readonly api?: {
    readonly features: bigint;
    readonly featureNames: readonly string[];
    readonly ioctls: bigint;
    readonly ioctlNames: readonly string[];
  };
  readonly hugePages: {
    readonly size: number;
    readonly total: number;
    readonly free: number;
    readonly reserved: number;
    /** This process may raise vm.nr_hugepages. */
    readonly canReserve: boolean;
  };
  /** The C helper (touch, fork, signal) and, when it is missing, why. */
  readonly helper: Attempt & { readonly why?: string };
}

const attempt = (r: number): Attempt => (r >= 0 ? { ok: true } : { ok: false, error: errnoName(-r) });

function api(fd: number): KernelProbe['api'] {
  const l = STRUCTS.uffdio_api;
  const buf = Buffer.from(encodeStruct(l, { api: UFFD_API, features: 0n }));
  if (os.ioctl(fd, UFFDIO_API, buf) < 0) return undefined;
  const v = decodeStruct(l, new Uint8Array(buf));
  const features = BigInt(v.features ?? 0n);
  const ioctls = BigInt(v.ioctls ?? 0n);
  return {
    features,
    featureNames: flagNames(features, FEATURES),
    ioctls,
    ioctlNames: flagNames(ioctls, IOCTL_BITS),
  };
}

function capEff(): bigint {
  const m = /^CapEff:\s*([0-9a-f]+)/m.exec(readProc('/proc/self/status') ?? '');
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

const CAP_SYS_PTRACE = 19n;

export function probeKernel(): KernelProbe {
  const flags = O_CLOEXEC | O_NONBLOCK;
  const opened: number[] = [];
  const keep = (r: number): number => (r >= 0 && opened.push(r), r);
  const sys = keep(os.userfaultfd(flags));
  const umo = keep(os.userfaultfd(flags | UFFD_USER_MODE_ONLY));
  const exists = readProc('/proc/misc')?.includes(' userfaultfd') ?? false;
  const dev = keep(os.open('/dev/userfaultfd', 2 | O_CLOEXEC));
  const devNew = dev >= 0 ? keep(os.ioctlValue(dev, USERFAULTFD_IOC_NEW, flags)) : dev;
  const usable = [sys, umo, devNew].find((fd) => fd >= 0);
  const reported = usable === undefined ? undefined : api(usable);
  opened.forEach((fd) => os.close(fd));
  const sysctl = readProc('/proc/sys/vm/unprivileged_userfaultfd');
  const helper = loadHelper();
  return {
    release: release(),
    machine: machine(),
    root: process.getuid?.() === 0,
    capSysPtrace: ((capEff() >> CAP_SYS_PTRACE) & 1n) === 1n,
    ...(sysctl !== undefined && { unprivilegedUserfaultfd: Number(sysctl.trim()) }),
    syscall: attempt(sys),
    userModeOnly: attempt(umo),
    devUserfaultfd: { ...attempt(devNew), exists },
    ...(reported && { api: reported }),
    hugePages: { ...hugePageInfo(), canReserve: canReserve() },
    helper: helper.ok ? { ok: true } : { ok: false, why: helper.why },
  };
}

// The names a scenario's expressions may use besides area names: every constant of the uapi module
// (features, modes, flags, events, requests), errno names (`-EEXIST` in a result field), poll bits and
// fcntl flags. In an `ioctls` mask `_UFFDIO_COPY` means the ioctl's bit, as the header ORs
// `1 << _UFFDIO_COPY`; elsewhere it is the ioctl number itself.

import * as U from '../uapi';
import { ERRNO } from '../uapi/errno';
import { IOCTL_BITS } from '../uapi/names';
import type { FieldRole } from '../uapi/structs';

/** poll(2) revents and fcntl(2) flags the scenarios use; not part of userfaultfd.h. */
export const EXTRA_CONSTANTS: Readonly<Record<string, bigint>> = {
  POLLIN: 0x1n,
  POLLPRI: 0x2n,
  POLLOUT: 0x4n,
  POLLERR: 0x8n,
  POLLHUP: 0x10n,
  POLLNVAL: 0x20n,
  O_RDONLY: 0n,
  O_WRONLY: 1n,
  O_RDWR: 2n,
};

const GENERIC = new Map<string, bigint>();
for (const [name, v] of Object.entries(U)) {
  if (typeof v === 'bigint' || typeof v === 'number') GENERIC.set(name, BigInt(v));
}
for (const [name, v] of Object.entries(ERRNO)) GENERIC.set(name, BigInt(v));
for (const [name, v] of Object.entries(EXTRA_CONSTANTS)) GENERIC.set(name, v);

const IOCTL_BIT = new Map(IOCTL_BITS.map((b) => [b.name, b.value]));

/** The value of a named constant, as a field of this role reads it; undefined if there is no such name. */
export function constantValue(name: string, role?: FieldRole): bigint | undefined {
  if (role === 'ioctls') {
    const b = IOCTL_BIT.get(name);
    if (b !== undefined) return b;
  }
  return GENERIC.get(name);
}

// Field values as a person reads them: addresses relative to areas, masks with their flag names,
// result fields with the errno they carry, events and thread ids by name.

import { relativeAddress, type Placement } from '../diff/address';
import type { Operation } from '../model/operation';
import type { Snapshot } from '../model/snapshot';
import { errnoName } from '../uapi/errno';
import { eventName } from '../uapi/msg';
import {
  FEATURES,
  formatFlags,
  IOCTL_BITS,
  IOCTL_BY_NAME,
  IOCTL_BY_REQUEST,
  PAGEFAULT_FLAGS,
  type FlagInfo,
} from '../uapi/names';
import type { FieldLayout, FieldValue } from '../uapi/structs';

export interface ValueNames {
  readonly placements: readonly Placement[];
  /** Thread name by tid, fd name by number (from the result's snapshot). */
  threadName?(tid: number): string | undefined;
  fdName?(fd: number): string | undefined;
  /** The named bits of this struct's `mode`. */
  readonly modes?: readonly FlagInfo[];
}

/** Names as one result's snapshot has them; with the op, the mode bits of its ioctl's struct. */
export function namesFrom(snap: Snapshot, placements: readonly Placement[], op?: Operation): ValueNames {
  const ioctl =
    op?.op !== 'ioctl'
      ? undefined
      : typeof op.request === 'string'
        ? IOCTL_BY_NAME.get(op.request)
        : IOCTL_BY_REQUEST.get(op.request);
  return {
    placements,
    threadName: (tid) => snap.threads.find((t) => t.tid === tid)?.name,
    fdName: (fd) => snap.uffds.find((u) => u.fd === fd)?.name ?? snap.fds.find((f) => f.fd === fd)?.name,
    ...(ioctl ? { modes: ioctl.modes } : {}),
  };
}

const hexOf = (v: bigint): string => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

function withNames(v: bigint, table: readonly FlagInfo[] | undefined): string {
  if (!table || v === 0n) return hexOf(v);
  return `${hexOf(v)} (${formatFlags(v, table)})`;
}

export function formatField(field: Pick<FieldLayout, 'role'>, value: FieldValue, names: ValueNames): string {
  const v = BigInt(value);
  switch (field.role) {
    case 'addr':
      return v === 0n ? '0' : relativeAddress(v, names.placements);
    case 'len':
      return v % 4096n === 0n && v > 0n ? `${v / 4096n}p` : String(v);
    case 'result':
      return v < 0n
        ? `${v} (-${errnoName(Number(-v))})`
        : v % 4096n === 0n && v > 0n
          ? `${v} (${v / 4096n}p)`
          : String(v);
    case 'features':
      return withNames(v, FEATURES);
    case 'ioctls':
      return withNames(v, IOCTL_BITS);
    case 'mode':
      return withNames(v, names.modes);
    case 'flags':
      return withNames(v, PAGEFAULT_FLAGS);
    case 'event':
      return eventName(Number(v));
    case 'tid': {
      const n = v === 0n ? undefined : names.threadName?.(Number(v));
      return n === undefined ? String(v) : n;
    }
    case 'fd': {
      const n = names.fdName?.(Number(v));
      return n === undefined ? String(v) : n;
    }
    case 'api':
      return hexOf(v);
    case 'reserved':
      return v === 0n ? '0' : hexOf(v);
  }
}

/** An address relative to the areas: `a+1p+0x10`. */
export const formatAddress = (a: bigint, names: ValueNames): string =>
  formatField({ role: 'addr' }, a, names);

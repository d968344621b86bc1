// struct uffd_msg: the packed 32-byte message read(2) returns, one layout per event.

import { STRUCT_SIZE } from './sizes';
import { readField, writeField, type FieldLayout, type StructValues } from './structs';
import {
  UFFD_EVENT_FORK,
  UFFD_EVENT_PAGEFAULT,
  UFFD_EVENT_REMAP,
  UFFD_EVENT_REMOVE,
  UFFD_EVENT_UNMAP,
} from './userfaultfd';

export const UFFD_MSG_SIZE = STRUCT_SIZE.uffd_msg;

export const EVENT_NAMES = {
  [UFFD_EVENT_PAGEFAULT]: 'UFFD_EVENT_PAGEFAULT',
  [UFFD_EVENT_FORK]: 'UFFD_EVENT_FORK',
  [UFFD_EVENT_REMAP]: 'UFFD_EVENT_REMAP',
  [UFFD_EVENT_REMOVE]: 'UFFD_EVENT_REMOVE',
  [UFFD_EVENT_UNMAP]: 'UFFD_EVENT_UNMAP',
} as const satisfies Record<number, string>;

const HEADER: FieldLayout[] = [
  { name: 'event', offset: 0, type: 'u8', role: 'event' },
  { name: 'reserved1', offset: 1, type: 'u8', role: 'reserved' },
  { name: 'reserved2', offset: 2, type: 'u16', role: 'reserved' },
  { name: 'reserved3', offset: 4, type: 'u32', role: 'reserved' },
];

const removeArg: FieldLayout[] = [
  { name: 'arg.remove.start', offset: 8, type: 'u64', role: 'addr' },
  { name: 'arg.remove.end', offset: 16, type: 'u64', role: 'addr' },
];

/** The union member each event uses. Bytes no member covers are zero: the kernel memsets the msg. */
const ARG_FIELDS: Record<number, FieldLayout[]> = {
  [UFFD_EVENT_PAGEFAULT]: [
    { name: 'arg.pagefault.flags', offset: 8, type: 'u64', role: 'flags' },
    { name: 'arg.pagefault.address', offset: 16, type: 'u64', role: 'addr' },
    { name: 'arg.pagefault.feat.ptid', offset: 24, type: 'u32', role: 'tid' },
  ],
  [UFFD_EVENT_FORK]: [{ name: 'arg.fork.ufd', offset: 8, type: 'u32', role: 'fd' }],
  [UFFD_EVENT_REMAP]: [
    { name: 'arg.remap.from', offset: 8, type: 'u64', role: 'addr' },
    { name: 'arg.remap.to', offset: 16, type: 'u64', role: 'addr' },
    { name: 'arg.remap.len', offset: 24, type: 'u64', role: 'len' },
  ],
  [UFFD_EVENT_REMOVE]: removeArg,
  [UFFD_EVENT_UNMAP]: removeArg,
};

const RESERVED_ARG: FieldLayout[] = [
  { name: 'arg.reserved.reserved1', offset: 8, type: 'u64', role: 'reserved' },
  { name: 'arg.reserved.reserved2', offset: 16, type: 'u64', role: 'reserved' },
  { name: 'arg.reserved.reserved3', offset: 24, type: 'u64', role: 'reserved' },
];

const FIELDS_BY_EVENT = new Map<number, readonly FieldLayout[]>();

/** The fields of a message of this event, header first. An unknown event shows the reserved view. */
export function msgFields(event: number): readonly FieldLayout[] {
  let fields = FIELDS_BY_EVENT.get(event);
  if (!fields) FIELDS_BY_EVENT.set(event, (fields = [...HEADER, ...(ARG_FIELDS[event] ?? RESERVED_ARG)]));
  return fields;
}

export interface UffdMsg {
  readonly event: number;
  /** e.g. `UFFD_EVENT_PAGEFAULT`, or `unknown (0x42)`. */
  readonly eventName: string;
  /** Every field of the event's layout, by C member path. */
  readonly fields: StructValues;
  /** The 32 bytes as read. */
  readonly bytes: Uint8Array;
}

export function eventName(event: number): string {
  return (EVENT_NAMES as Record<number, string>)[event] ?? `unknown (0x${event.toString(16)})`;
}

export function decodeMsg(bytes: Uint8Array): UffdMsg {
  if (bytes.byteLength !== UFFD_MSG_SIZE) {
    throw new RangeError(`uffd_msg is ${UFFD_MSG_SIZE} bytes, got ${bytes.byteLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const event = view.getUint8(0);
  const fields: StructValues = {};
  for (const f of msgFields(event)) fields[f.name] = readField(view, f);
  return { event, eventName: eventName(event), fields, bytes: bytes.slice() };
}

/** A message's bytes from its event and fields; what the fields do not cover stays zero. */
export function encodeMsg(event: number, fields: Readonly<StructValues>): Uint8Array {
  const bytes = new Uint8Array(UFFD_MSG_SIZE);
  const view = new DataView(bytes.buffer);
  for (const f of msgFields(event)) {
    writeField(view, f, f.name === 'event' ? event : (fields[f.name] ?? 0n));
  }
  return bytes;
}

/** Splits what one read(2) returned into 32-byte messages. */
export function decodeMsgs(bytes: Uint8Array): UffdMsg[] {
  const msgs: UffdMsg[] = [];
  for (let off = 0; off + UFFD_MSG_SIZE <= bytes.byteLength; off += UFFD_MSG_SIZE) {
    msgs.push(decodeMsg(bytes.subarray(off, off + UFFD_MSG_SIZE)));
  }
  return msgs;
}

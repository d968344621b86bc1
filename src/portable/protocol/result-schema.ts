// What the page checks in the agent's replies: a Result with its snapshot, and the doctor, after
// wire.ts has turned `$b`, `$u8` and `$map` back into bigints, byte arrays and maps. Objects are
// loose: a field the page does not know yet is kept, not refused.

import * as v from 'valibot';
import type { BackendInfo } from '../model/backend';
import { AREA_KINDS } from '../model/operation';
import type { Result } from '../model/result';
import { PROTS } from '../scenario/op-schema';
import type { DoctorReport } from './doctor';
import { STRUCTS, type StructName } from '../uapi/structs';
import { operationSchema } from './operation-schema';

const int = v.pipe(v.number(), v.integer());
const nat = v.pipe(v.number(), v.integer(), v.minValue(0));
const str = v.string();
const opt = v.optional;
const bytes = v.instance(Uint8Array);
const fieldValues = v.record(v.string(), v.union([v.bigint(), v.number()]));
const list = <T extends v.GenericSchema>(item: T) => v.array(item);

const structInOut = v.looseObject({
  name: v.picklist(Object.keys(STRUCTS) as StructName[]),
  before: fieldValues,
  beforeBytes: bytes,
  after: fieldValues,
  afterBytes: bytes,
});

const msg = v.looseObject({ event: nat, eventName: str, fields: fieldValues, bytes });

const area = v.looseObject({
  name: str,
  process: str,
  kind: v.picklist(AREA_KINDS),
  shared: v.boolean(),
  prot: list(v.picklist(PROTS)),
  start: v.bigint(),
  len: v.bigint(),
  pageSize: nat,
  pages: bytes,
  content: v.map(nat, str),
});

const fault = v.looseObject({ thread: str, address: v.bigint(), flags: nat });

const snapshot = v.looseObject({
  pageSize: nat,
  hugePageSize: nat,
  processes: list(v.looseObject({ name: str, pid: int, alive: v.boolean() })),
  areas: list(area),
  registrations: list(
    v.looseObject({ process: str, start: v.bigint(), end: v.bigint(), uffd: str, mode: v.bigint() }),
  ),
  uffds: list(
    v.looseObject({
      name: str,
      fd: int,
      mm: str,
      flags: int,
      initialized: v.boolean(),
      features: v.bigint(),
      pending: list(fault),
      waiting: list(fault),
      events: list(v.looseObject({ thread: str, event: nat })),
    }),
  ),
  fds: list(v.looseObject({ name: str, fd: int, path: str })),
  threads: list(
    v.looseObject({
      name: str,
      process: str,
      tid: int,
      state: v.picklist(['idle', 'running', 'blocked-fault', 'blocked-event', 'done', 'sigbus', 'exited']),
      address: opt(v.bigint()),
      uffd: opt(str),
      since: opt(int),
      doing: opt(str),
      value: opt(int),
      sigbusCode: opt(int),
    }),
  ),
});

export const resultSchema: v.GenericSchema<unknown, Result> = v.looseObject({
  op: operationSchema,
  call: str,
  ret: int,
  errno: opt(int),
  struct: opt(structInOut),
  msgs: opt(list(msg)),
  revents: opt(int),
  fd: opt(int),
  addr: opt(v.bigint()),
  blocked: opt(v.boolean()),
  usageError: opt(v.looseObject({ message: str, field: opt(str) })),
  notes: opt(list(str)),
  snapshot,
});

export const backendInfoSchema: v.GenericSchema<unknown, BackendInfo> = v.looseObject({
  engine: v.picklist(['simulator', 'kernel']),
  kernelVersion: str,
  pageSize: nat,
  hugePageSize: nat,
});

export const doctorSchema: v.GenericSchema<unknown, DoctorReport> = v.looseObject({
  kernel: v.looseObject({ release: str, version: str, arch: str, pageSize: nat }),
  user: v.looseObject({ uid: int, root: v.boolean(), capSysPtrace: v.boolean() }),
  unprivilegedUserfaultfd: v.nullable(int),
  access: list(
    v.looseObject({
      way: v.picklist(['syscall', 'syscall-user-mode-only', 'dev-userfaultfd']),
      usable: v.boolean(),
      detail: str,
    }),
  ),
  api: v.union([v.looseObject({ features: list(str), ioctls: list(str) }), v.looseObject({ error: str })]),
  hugePages: v.looseObject({ size: nat, total: nat, free: nat, reservable: v.boolean() }),
  helper: v.looseObject({ available: v.boolean(), detail: str }),
  cannot: list(str),
  scenarios: list(v.looseObject({ file: str, title: str, runnable: v.boolean(), why: list(str) })),
});

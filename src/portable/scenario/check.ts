// One step's expectation against the Result a backend returned: every field the expectation gives,
// resolved with the expression language against the run's areas, compared as the field's C type.

import type { Placement } from '../diff/address';
import { evalMask, ExprError, type Expr, type ExprContext } from '../model/expr';
import type { Result } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { errnoName } from '../uapi/errno';
import { msgFields } from '../uapi/msg';
import { FIELD_SIZE, STRUCTS, type FieldLayout, type FieldValue } from '../uapi/structs';
import { constantValue } from './constants';
import type { Expectation } from './format';
import { checkPages, checkRegistrations, type Miss } from './check-snapshot';
import { formatAddress, formatField, namesFrom, type ValueNames } from './values';

export interface FieldMismatch {
  /** e.g. `struct.copy`, `msgs[0].arg.pagefault.address`, `pages[a+1p]`. */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

export interface CheckContext {
  readonly result: Result;
  /** Every area placement seen so far in the run. */
  readonly placements: readonly Placement[];
}

class Unresolvable extends Error {}

export function checkExpectation(e: Expectation, c: CheckContext): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  const r = c.result;
  const snap = r.snapshot;
  const names = namesFrom(snap, c.placements, r.op);
  const miss = (field: string, expected: unknown, actual: unknown) =>
    out.push({ field, expected: String(expected), actual: String(actual) });
  const value = (expr: Expr | readonly Expr[], role?: FieldLayout['role']) => evalIn(snap, c, expr, role);
  const guard = (field: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof Unresolvable)) throw err;
      miss(field, `(cannot evaluate: ${err.message})`, '-');
    }
  };

  if (e.ret !== undefined && e.ret !== r.ret) miss('ret', e.ret, r.ret);
  if (e.errno !== undefined) {
    const actual = r.errno === undefined ? '0' : errnoName(r.errno);
    if (String(e.errno) !== actual) miss('errno', e.errno, actual);
  }
  if (e.blocked !== undefined && e.blocked !== (r.blocked ?? false))
    miss('blocked', e.blocked, r.blocked ?? false);
  if (e.revents !== undefined) {
    guard('revents', () => {
      const want = value(e.revents!);
      if (r.revents === undefined || BigInt(r.revents) !== want)
        miss(
          'revents',
          `0x${want.toString(16)}`,
          r.revents === undefined ? 'none' : `0x${r.revents.toString(16)}`,
        );
    });
  }
  if (e.struct) {
    if (!r.struct) miss('struct', 'a struct', 'none');
    else {
      const layout = STRUCTS[r.struct.name];
      for (const [name, want] of Object.entries(e.struct)) {
        const f = layout.fields.find((l) => l.name === name);
        const got = r.struct.after[name];
        if (!f || got === undefined) miss(`struct.${name}`, 'a field', 'none');
        else
          guard(`struct.${name}`, () =>
            compareField(`struct.${name}`, f, value(want, f.role), got, names, miss),
          );
      }
    }
  }
  if (e.msgs) checkMsgs(e.msgs, c, names, value, guard, miss);
  if (e.threads) {
    for (const [name, t] of Object.entries(e.threads)) {
      const th = snap.threads.find((x) => x.name === name);
      const want = typeof t === 'string' ? { state: t } : t;
      if (!th) {
        miss(`threads.${name}`, want.state ?? 'a thread', 'no such thread');
        continue;
      }
      if (want.state !== undefined && want.state !== th.state)
        miss(`threads.${name}.state`, want.state, th.state);
      if (want.address !== undefined) {
        guard(`threads.${name}.address`, () => {
          const a = value(want.address!);
          if (th.address !== a) {
            miss(
              `threads.${name}.address`,
              formatAddress(a, names),
              th.address === undefined ? 'none' : formatAddress(th.address, names),
            );
          }
        });
      }
      if (want.value !== undefined && want.value !== th.value)
        miss(`threads.${name}.value`, want.value, th.value ?? 'none');
      if (want.sigbusCode !== undefined && want.sigbusCode !== th.sigbusCode) {
        miss(`threads.${name}.sigbusCode`, want.sigbusCode, th.sigbusCode ?? 'none');
      }
    }
  }
  if (e.pages) {
    for (const [key, p] of Object.entries(e.pages))
      guard(`pages[${key}]`, () => checkPages(key, p, snap, value, names, miss));
  }
  if (e.queues) {
    for (const [fd, q] of Object.entries(e.queues)) {
      const u = snap.uffds.find((x) => x.name === fd);
      for (const k of ['pending', 'waiting', 'events'] as const) {
        if (q[k] === undefined) continue;
        const got = u ? u[k].length : 'no such uffd';
        if (got !== q[k]) miss(`queues.${fd}.${k}`, q[k], got);
      }
    }
  }
  if (e.registrations)
    guard('registrations', () => checkRegistrations(e.registrations!, snap, value, names, miss));
  if (e.processes) {
    for (const [name, p] of Object.entries(e.processes)) {
      const got = snap.processes.find((x) => x.name === name)?.alive;
      if (got !== p.alive) miss(`processes.${name}.alive`, p.alive, got ?? 'no such process');
    }
  }
  return out;
}

function exprContext(snap: Snapshot, c: CheckContext, role?: FieldLayout['role']): ExprContext {
  return {
    pageSize: snap.pageSize,
    hugePageSize: snap.hugePageSize,
    areaStart: (n) =>
      snap.areas.find((a) => a.name === n)?.start ?? c.placements.find((p) => p.name === n)?.start,
    constant: (n) => constantValue(n, role),
  };
}

function evalIn(
  snap: Snapshot,
  c: CheckContext,
  expr: Expr | readonly Expr[],
  role?: FieldLayout['role'],
): bigint {
  try {
    return evalMask(expr, exprContext(snap, c, role));
  } catch (err) {
    if (err instanceof ExprError) throw new Unresolvable(`${err.message} in '${String(expr)}'`);
    throw err;
  }
}

/** Both sides as the field's C type: -1 in a u64 is 0xffff...; a u32 wraps at 2^32. */
function asFieldType(f: FieldLayout, v: bigint): bigint {
  const bits = FIELD_SIZE[f.type] * 8;
  return f.type === 's64' ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

function compareField(
  path: string,
  f: FieldLayout,
  want: bigint,
  got: FieldValue,
  names: ValueNames,
  miss: Miss,
) {
  const w = asFieldType(f, want);
  if (w !== asFieldType(f, BigInt(got))) miss(path, formatField(f, w, names), formatField(f, got, names));
}

function checkMsgs(
  want: NonNullable<Expectation['msgs']>,
  c: CheckContext,
  names: ValueNames,
  value: (e: Expr | readonly Expr[], role?: FieldLayout['role']) => bigint,
  guard: (field: string, f: () => void) => void,
  miss: Miss,
) {
  const got = c.result.msgs ?? [];
  if (want.length !== got.length) miss('msgs.length', want.length, got.length);
  want.forEach((m, i) => {
    const msg = got[i];
    if (!msg) return;
    const fields = msgFields(msg.event);
    for (const [name, expected] of Object.entries(m)) {
      const path = `msgs[${i}].${name}`;
      const f = fields.find((x) => x.name === name);
      const v = msg.fields[name];
      if (!f || v === undefined) {
        miss(path, String(expected), `no such field in a ${msg.eventName} message`);
        continue;
      }
      guard(path, () => {
        if (f.role === 'tid' && typeof expected === 'string' && !/^[-0-9]/.test(expected)) {
          const tid = c.result.snapshot.threads.find((t) => t.name === expected)?.tid;
          if (tid === undefined) miss(path, expected, `no thread '${expected}' in the snapshot`);
          else compareField(path, f, BigInt(tid), v, names, miss);
          return;
        }
        if (f.role === 'fd' && typeof expected === 'string' && expected.includes('@')) {
          const actual = names.fdName?.(Number(v));
          if (actual !== expected) miss(path, expected, actual ?? String(v));
          return;
        }
        compareField(path, f, value(expected, f.role), v, names, miss);
      });
    }
  });
}

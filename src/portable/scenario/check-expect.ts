// Checks a step's `expect` (one expectation, or a list picked by kernel version).

import { EVENT_NAMES, msgFields } from '../uapi/msg';
import { errnoNumber, ERRNO } from '../uapi/errno';
import type { FieldLayout } from '../uapi/structs';
import type { Report } from './check-step';
import { EXPECTATION_KEYS } from './format';
import { parseKernelRange } from './kernel-range';
import { parsePageKey } from './page-key';
import { describeJson, isPlainObject, type Scope } from './scope';
import type { RequestInfo } from './struct-arg';
import { didYouMean } from './suggest';

export const THREAD_STATES = [
  'idle',
  'running',
  'blocked-fault',
  'blocked-event',
  'done',
  'sigbus',
  'exited',
];
export const PAGE_STATES = [
  'not-mapped',
  'missing',
  'present',
  'zero',
  'write-protected',
  'cache-only',
  'poisoned',
];
const CONTENT = /^[0-9a-f]{2}( @[0-9a-f]+=[0-9a-f]{2})*$/;

/** Every field any uffd_msg layout has, by C member path. */
export const MSG_FIELDS: ReadonlyMap<string, FieldLayout> = new Map(
  [...Object.keys(EVENT_NAMES).map(Number), 0].flatMap((ev) =>
    msgFields(ev).map((f) => [f.name, f] as const),
  ),
);

export interface ExpectContext {
  readonly scope: Scope;
  readonly request: RequestInfo | undefined;
  readonly report: Report;
}

export function checkExpect(c: ExpectContext, expect: unknown) {
  if (Array.isArray(expect)) {
    expect.forEach((item, i) => {
      if (!isPlainObject(item) || item.kernel === undefined || item.expect === undefined) {
        c.report(
          ['expect', i],
          `expect[${i}]: a versioned expectation is {"kernel": "<range>", "expect": {...}}`,
        );
        return;
      }
      const extra = Object.keys(item).filter((k) => k !== 'kernel' && k !== 'expect');
      if (extra.length) c.report(['expect', i, extra[0]!], `expect[${i}]: unknown field '${extra[0]}'`);
      const range = typeof item.kernel === 'string' ? parseKernelRange(item.kernel) : 'expected a string';
      if (typeof range === 'string') c.report(['expect', i, 'kernel'], `expect[${i}].kernel: ${range}`);
      checkOne(c, item.expect, ['expect', i, 'expect'], `expect[${i}].expect`);
    });
    return;
  }
  checkOne(c, expect, ['expect'], 'expect');
}

function checkOne(c: ExpectContext, e: unknown, at: (string | number)[], label: string) {
  if (!isPlainObject(e)) {
    c.report(at, `${label}: expected an object or a list of {kernel, expect}, got ${describeJson(e)}`);
    return;
  }
  const bad = (path: (string | number)[], field: string, message: string) =>
    c.report([...at, ...path], `${label}.${field}: ${message}`);
  for (const key of Object.keys(e)) {
    if (!(EXPECTATION_KEYS as readonly string[]).includes(key)) {
      bad([key], key, `unknown field${didYouMean(key, EXPECTATION_KEYS)}`);
    }
  }
  if (e.ret !== undefined && !Number.isSafeInteger(e.ret)) bad(['ret'], 'ret', `expected a whole number`);
  if (
    e.errno !== undefined &&
    e.errno !== 0 &&
    (typeof e.errno !== 'string' || errnoNumber(e.errno) === undefined)
  ) {
    bad(
      ['errno'],
      'errno',
      `expected an errno name or 0, got ${describeJson(e.errno)}${didYouMean(String(e.errno), Object.keys(ERRNO))}`,
    );
  }
  if (e.blocked !== undefined && typeof e.blocked !== 'boolean')
    bad(['blocked'], 'blocked', 'expected true or false');
  if (e.revents !== undefined) {
    const m = c.scope.checkMask(e.revents);
    if (m) bad(['revents'], 'revents', m);
  }
  if (e.struct !== undefined) checkStruct(c, e.struct, (p, f, m) => bad(['struct', ...p], `struct${f}`, m));
  if (e.msgs !== undefined) checkMsgs(c, e.msgs, (p, f, m) => bad(['msgs', ...p], `msgs${f}`, m));
  if (e.threads !== undefined)
    checkThreads(c, e.threads, (p, f, m) => bad(['threads', ...p], `threads${f}`, m));
  if (e.pages !== undefined) checkPages(c, e.pages, (p, f, m) => bad(['pages', ...p], `pages${f}`, m));
  if (e.queues !== undefined) checkQueues(c, e.queues, (p, f, m) => bad(['queues', ...p], `queues${f}`, m));
  if (e.registrations !== undefined) {
    checkRegistrations(c, e.registrations, (p, f, m) => bad(['registrations', ...p], `registrations${f}`, m));
  }
  if (e.processes !== undefined)
    checkProcesses(c, e.processes, (p, f, m) => bad(['processes', ...p], `processes${f}`, m));
}

type Bad = (path: (string | number)[], field: string, message: string) => void;

function checkStruct(c: ExpectContext, s: unknown, bad: Bad) {
  if (c.request?.kind !== 'struct') {
    bad([], '', 'this step passes no struct to check');
    return;
  }
  if (!isPlainObject(s)) return bad([], '', 'expected an object of fields by C member path');
  const layout = c.request.layout;
  for (const [name, v] of Object.entries(s)) {
    const f = layout.fields.find((l) => l.name === name);
    if (!f) {
      bad(
        [name],
        `.${name}`,
        `struct ${layout.name} has no field '${name}'${didYouMean(
          name,
          layout.fields.map((l) => l.name),
        )}`,
      );
      continue;
    }
    const m = c.scope.checkMask(v, f.role);
    if (m) bad([name], `.${name}`, m);
  }
}

function checkMsgs(c: ExpectContext, msgs: unknown, bad: Bad) {
  if (!Array.isArray(msgs)) return bad([], '', 'expected a list of messages');
  msgs.forEach((msg, i) => {
    if (!isPlainObject(msg)) return bad([i], `[${i}]`, 'expected an object of fields');
    for (const [name, v] of Object.entries(msg)) {
      const f = MSG_FIELDS.get(name);
      if (!f) {
        bad(
          [i, name],
          `[${i}].${name}`,
          `uffd_msg has no field '${name}'${didYouMean(name, MSG_FIELDS.keys())}`,
        );
        continue;
      }
      if (f.role === 'tid' && typeof v === 'string' && c.scope.threads.has(v)) continue;
      if (f.role === 'fd' && typeof v === 'string' && v.includes('@')) continue;
      const m = c.scope.checkMask(v, f.role);
      if (m) bad([i, name], `[${i}].${name}`, m);
    }
  });
}

function checkThreads(c: ExpectContext, threads: unknown, bad: Bad) {
  if (!isPlainObject(threads)) return bad([], '', 'expected an object: thread name -> state');
  for (const [name, t] of Object.entries(threads)) {
    if (!c.scope.threads.has(name)) {
      bad([name], `.${name}`, `no step has used a thread '${name}'${didYouMean(name, c.scope.threads)}`);
      continue;
    }
    const state = isPlainObject(t) ? t.state : t;
    if (state !== undefined && (typeof state !== 'string' || !THREAD_STATES.includes(state))) {
      bad(
        [name],
        `.${name}`,
        `unknown thread state ${describeJson(state)}${didYouMean(String(state), THREAD_STATES)} (one of ${THREAD_STATES.join(', ')})`,
      );
    }
    if (!isPlainObject(t)) continue;
    for (const key of Object.keys(t)) {
      if (!['state', 'address', 'value', 'sigbusCode'].includes(key))
        bad([name, key], `.${name}.${key}`, 'unknown field');
    }
    if (t.address !== undefined) {
      const m = c.scope.checkExpr(t.address);
      if (m) bad([name, 'address'], `.${name}.address`, m);
    }
    for (const key of ['value', 'sigbusCode']) {
      if (t[key] !== undefined && !Number.isSafeInteger(t[key]))
        bad([name, key], `.${name}.${key}`, 'expected a whole number');
    }
  }
}

function checkPages(c: ExpectContext, pages: unknown, bad: Bad) {
  if (!isPlainObject(pages)) return bad([], '', 'expected an object: address -> page state');
  for (const [key, p] of Object.entries(pages)) {
    const k = parsePageKey(key);
    if (!c.scope.processes.has(k.process)) bad([key], `["${key}"]`, `unknown process '${k.process}'`);
    for (const e of [k.from, k.to]) {
      if (e === undefined) continue;
      const m = c.scope.checkExpr(e);
      if (m) bad([key], `["${key}"]`, m);
    }
    const state = isPlainObject(p) ? p.state : p;
    if (state !== undefined && (typeof state !== 'string' || !PAGE_STATES.includes(state))) {
      bad(
        [key],
        `["${key}"]`,
        `unknown page state ${describeJson(state)}${didYouMean(String(state), PAGE_STATES)} (one of ${PAGE_STATES.join(', ')})`,
      );
    }
    if (isPlainObject(p)) {
      for (const f of Object.keys(p))
        if (f !== 'state' && f !== 'content') bad([key, f], `["${key}"].${f}`, 'unknown field');
      if (p.content !== undefined && (typeof p.content !== 'string' || !CONTENT.test(p.content))) {
        bad(
          [key, 'content'],
          `["${key}"].content`,
          `a content tag is a fill byte in hex then ' @offset=xx' for each byte that differs, e.g. "41" or "00 @7b=01"; got ${describeJson(p.content)}`,
        );
      }
    }
  }
}

function checkQueues(c: ExpectContext, queues: unknown, bad: Bad) {
  if (!isPlainObject(queues)) return bad([], '', 'expected an object: fd name -> {pending, waiting, events}');
  for (const [fd, q] of Object.entries(queues)) {
    if (!c.scope.fds.has(fd) && !fd.includes('@'))
      bad([fd], `.${fd}`, `unknown fd '${fd}'${didYouMean(fd, c.scope.fds)}`);
    if (!isPlainObject(q)) {
      bad([fd], `.${fd}`, 'expected {pending, waiting, events}');
      continue;
    }
    for (const [k, n] of Object.entries(q)) {
      if (!['pending', 'waiting', 'events'].includes(k))
        bad([fd, k], `.${fd}.${k}`, `unknown queue${didYouMean(k, ['pending', 'waiting', 'events'])}`);
      else if (!Number.isSafeInteger(n) || (n as number) < 0) bad([fd, k], `.${fd}.${k}`, 'expected a count');
    }
  }
}

function checkRegistrations(c: ExpectContext, regs: unknown, bad: Bad) {
  if (!Array.isArray(regs)) return bad([], '', 'expected a list of {start, len, mode}');
  regs.forEach((r, i) => {
    if (!isPlainObject(r)) return bad([i], `[${i}]`, 'expected {start, len, mode}');
    for (const k of Object.keys(r)) {
      if (!['start', 'len', 'mode', 'uffd', 'process'].includes(k))
        bad([i, k], `[${i}].${k}`, 'unknown field');
    }
    for (const k of ['start', 'len', 'mode'] as const) {
      if (r[k] === undefined) bad([i], `[${i}]`, `missing '${k}'`);
      else {
        const m = k === 'mode' ? c.scope.checkMask(r[k], 'mode') : c.scope.checkExpr(r[k]);
        if (m) bad([i, k], `[${i}].${k}`, m);
      }
    }
    if (r.process !== undefined && !c.scope.processes.has(String(r.process)))
      bad([i, 'process'], `[${i}].process`, `unknown process ${describeJson(r.process)}`);
  });
}

function checkProcesses(c: ExpectContext, procs: unknown, bad: Bad) {
  if (!isPlainObject(procs)) return bad([], '', 'expected an object: process name -> {alive}');
  for (const [name, p] of Object.entries(procs)) {
    if (!c.scope.processes.has(name)) bad([name], `.${name}`, `unknown process '${name}'`);
    if (!isPlainObject(p) || typeof p.alive !== 'boolean' || Object.keys(p).length !== 1) {
      bad([name], `.${name}`, 'expected {"alive": true|false}');
    }
  }
}

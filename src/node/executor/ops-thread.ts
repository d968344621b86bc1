// Threads and processes: a named thread touches memory (and may block in the fault), a signal
// interrupts it, fork makes a child process that stays in the C helper, exit kills it.

import { hex } from '../../portable/model/expr';
import { MAIN_PROCESS, type OperationOf, type ProcessName } from '../../portable/model/operation';
import { resolveExpr } from '../../portable/model/resolve';
import { UFFD_EVENT_FORK, UFFD_FEATURE_EVENT_FORK } from '../../portable/uapi';
import { usage } from './caps';
import { ChildPipes, ChildProc } from './child';
import { planEvents, uffdFeatures } from './events-plan';
import type { Machine } from './machine';
import { os, SIGUSR1 } from './os';
import { memThread, start } from './mem-thread';
import { fromRet, type Outcome } from './outcome';
import { processExited } from './process-exit';
import type { Proc } from './session';
import { areaSnapshot, processRegistrations } from './take-snapshot';

export async function touch(m: Machine, op: OperationOf<'touch'>): Promise<Outcome> {
  if (op.access !== 'read' && op.access !== 'write')
    usage(`access is 'read' or 'write', not '${String(op.access)}'`, 'access');
  const addr = resolveExpr(op.addr, m.s.env, 'addr');
  const len = op.len === undefined ? 1n : resolveExpr(op.len, m.s.env, 'len');
  const value = op.value ?? 1;
  if (!Number.isInteger(value) || value < 0 || value > 255)
    usage(`value is a byte (0..255), not ${String(value)}`, 'value');
  if (len < 1n || len > m.s.options.maxTouchBytes)
    usage(`a touch covers 1 to ${m.s.options.maxTouchBytes} bytes, not ${len}`, 'len');
  m.checkRange(addr, len, 'addr', 'none');
  if (typeof op.thread !== 'string' || !op.thread) usage('a touch names its thread', 'thread');
  m.helper('touch');
  const t = await memThread(m, op.thread);
  const write = op.access === 'write';
  wouldSegv(m, t.process, addr, len, write);
  const doing = `${op.access} ${hex(addr)}${len > 1n ? ` +${hex(len)}` : ''}`;
  const o: Outcome = {
    call: `${t.name}: ${write ? `memset(${hex(addr)}, ${hex(value)}, ${len})` : `read ${hex(addr)} +${len}`}`,
    ret: 0,
  };
  if (write) m.contentChanged(t.process, addr, len);
  start(
    m,
    t,
    o,
    { kind: 'touch', doing, write, events: [] },
    write ? () => m.contentChanged(t.process, addr, len) : nothing,
    'TOUCH',
    [addr, len, write ? 1n : 0n, BigInt(value)],
  );
  return o;
}

const nothing = (): void => undefined;

/**
 * The playground models SIGBUS but not SIGSEGV: an access outside the process's mappings, or one
 * its protection forbids, is refused before it is made.
 */
function wouldSegv(m: Machine, process: ProcessName, addr: bigint, len: bigint, write: boolean): void {
  const vmas = m.vmas(process);
  if (!vmas.covers(addr, addr + len)) {
    usage(
      `[${hex(addr)}, +${hex(len)}) is not all mapped in process '${process}': the access would raise SIGSEGV`,
      'addr',
    );
  }
  for (const v of vmas.all()) {
    if (v.end <= addr || v.start >= addr + len) continue;
    if (v.perms[0] !== 'r' || (write && v.perms[1] !== 'w')) {
      usage(
        `${hex(v.start)}-${hex(v.end)} is ${v.perms.slice(0, 3)}: a ${write ? 'write' : 'read'} would raise SIGSEGV`,
        'addr',
      );
    }
  }
}

export async function signal(m: Machine, op: OperationOf<'signal'>): Promise<Outcome> {
  if (op.signal !== 'SIGUSR1') usage(`only SIGUSR1 can be sent, not '${String(op.signal)}'`, 'signal');
  const t = m.s.thread(op.thread);
  if (t.state === 'exited') usage(`thread '${t.name}' has exited`, 'thread');
  m.helper('signal');
  if (t.child) {
    return fromRet(`kill(${t.child.pid}, SIGUSR1)`, os.kill(t.child.pid, SIGUSR1));
  }
  const w = (await m.thread(t.name)).os!;
  return fromRet(`tgkill(${m.pid}, ${w.tid}, SIGUSR1)`, os.tgkill(m.pid, w.tid, SIGUSR1));
}

export async function fork(m: Machine, op: OperationOf<'fork'>): Promise<Outcome> {
  const helper = m.helper('fork');
  const name = op.child;
  if (typeof name !== 'string' || !name) usage('the child process needs a name (`child`)', 'child');
  if (m.s.processes.has(name) || m.s.threads.has(name))
    usage(`the name '${name}' is already a process or a thread`, 'child');
  const alive = [...m.s.processes.values()].filter((p) => p.name !== MAIN_PROCESS && p.alive).length;
  if (alive >= m.s.options.maxProcesses)
    usage(`too many child processes: a session may have ${m.s.options.maxProcesses}`, 'child');
  const t = await memThread(m, op.thread);
  if (t.process !== MAIN_PROCESS)
    usage(`thread '${t.name}' belongs to process '${t.process}', which cannot fork`, 'thread');
  reserveForChild(m);
  const pipes = ChildPipes.open();
  if (typeof pipes === 'number') return fromRet('pipe2()', pipes);
  const child = new ChildProc(pipes, helper.childProgressAddr);
  const events = planEvents(
    m,
    MAIN_PROCESS,
    m.region.base,
    m.region.end,
    UFFD_EVENT_FORK,
    UFFD_FEATURE_EVENT_FORK,
    false,
  );
  inheritRegistrations(m, name);
  m.s.processes.set(name, { name, pid: 0, alive: true, child, unborn: forkView(m, name) });
  // The child's address space is a copy of main's: the same areas, at the same places.
  for (const a of m.s.areasOf(MAIN_PROCESS)) m.s.areas.set(`${name}:${a.name}`, { ...a, process: name });
  m.s.threads.set(name, { name, process: name, child, state: 'idle' });
  const o: Outcome = { call: 'fork()', ret: 0 };
  const forked = (r: bigint) => {
    pipes.closeChildEnds();
    if (r < 0n) return forgetChild(m, name);
    child.started(Number(r));
    const p = m.s.processes.get(name);
    if (p) {
      p.pid = Number(r);
      delete p.unborn;
    }
  };
  start(m, t, o, { kind: 'fork', doing: `fork ${name}`, events, child: name }, forked, 'FORK', [
    BigInt(pipes.childCmd),
    BigInt(pipes.childRes),
  ]);
  m.structural();
  return o;
}

/** What the child will be: main's areas and, for uffds with EVENT_FORK, registrations now. */
function forkView(m: Machine, child: ProcessName): NonNullable<Proc['unborn']> {
  const budget = { left: 64 << 20 };
  const areas = m.s
    .areasOf(MAIN_PROCESS)
    .map((a) => ({ ...areaSnapshot(m, a, MAIN_PROCESS, budget), process: child }));
  const registrations = processRegistrations(m, MAIN_PROCESS).flatMap((r) => {
    const u = m.s.ownerAt(MAIN_PROCESS, r.start);
    if (!u || !(uffdFeatures(u) & UFFD_FEATURE_EVENT_FORK)) return [];
    return [{ ...r, process: child, uffd: `${u.name}@${child}` }];
  });
  return { areas, registrations };
}

/**
 * A child's private hugetlb mappings have no reservation (the parent keeps its own): each huge
 * page the child faults in or gets by UFFDIO_COPY comes from the free pool. Reserve that much more.
 */
function reserveForChild(m: Machine): void {
  let pages = 0;
  for (const a of m.s.areas.values()) {
    if (a.process === MAIN_PROCESS && a.kind === 'hugetlb' && !a.shared)
      pages += Number(a.len / BigInt(a.pageSize));
  }
  const why = pages ? m.huge.ensure(m.hugePagesHeld() + pages, pages) : undefined;
  if (why) m.s.note(`the child's private huge pages may fail to allocate: ${why}`);
}

/** The child's vmas keep their registration with a new uffd for each parent uffd with EVENT_FORK. */
function inheritRegistrations(m: Machine, child: ProcessName): void {
  for (const o of [...m.s.owners]) {
    if (o.process !== MAIN_PROCESS) continue;
    const u = m.s.ownerAt(MAIN_PROCESS, o.start);
    if (!u || !(uffdFeatures(u) & UFFD_FEATURE_EVENT_FORK)) continue;
    const name = `${u.name}@${child}`;
    if (!m.s.unborn.has(name)) {
      m.s.unborn.set(name, {
        kind: 'uffd',
        name,
        fd: -1,
        closed: false,
        mm: child,
        userModeOnly: u.userModeOnly,
        queue: [],
      });
    }
    m.s.setOwner(child, o.start, o.end, name);
  }
}

function forgetChild(m: Machine, name: ProcessName): void {
  const p = m.s.processes.get(name);
  p?.child?.close();
  m.s.processes.delete(name);
  m.s.threads.delete(name);
  for (const k of [...m.s.unborn.keys()]) if (k.endsWith(`@${name}`)) m.s.unborn.delete(k);
  m.s.owners = m.s.owners.filter((o) => o.process !== name);
}

export async function exit(m: Machine, op: OperationOf<'exit'>): Promise<Outcome> {
  const p = m.s.processes.get(op.process) ?? usage(`no process named '${op.process}'`, 'process');
  if (p.name === MAIN_PROCESS || !p.child) usage('only a forked child can exit', 'process');
  if (!p.alive) usage(`process '${p.name}' has already exited`, 'process');
  p.child.poll();
  const pid = p.child.pid;
  await p.child.kill();
  processExited(m, p.name);
  return { call: `kill(${pid}, SIGKILL); waitpid(${pid})`, ret: 0 };
}

// Memory accesses: a thread's loads and stores (the CPU tries, faults, the kernel handles the fault,
// the instruction runs again) and the kernel's copy_from_user() on the monitor's behalf.

import { hex } from '../../model/expr';
import type { Sleep } from '../fs/userfaultfd-ctx';
import { E, type Kernel } from '../kernel';
import type { Doing, TaskExit } from '../sched';
import { VM_FAULT, type VmFault } from './fault';
import type { Mm } from './mm';
import { handleMmFault } from './memory';
import { alignDown, PAGE_SIZE } from './page';
import { PTE } from './pgtable';
import { VM, vmaLookup, vmaPageSize, type Vma } from './vma';

/** si_code of the SIGBUS a userfault or a poisoned page raises here (no CONFIG_MEMORY_FAILURE). */
export const BUS_ADRERR = 2;

/** access_error(): the vma does not allow this access (x86: write or exec imply read). */
export function accessError(vma: Vma, write: boolean): boolean {
  if (write) return !(vma.flags & VM.WRITE);
  return !(vma.flags & (VM.READ | VM.WRITE | VM.EXEC));
}

function newFault(vma: Vma, addr: number, write: boolean, user: boolean, noWait: boolean): VmFault {
  const size = vmaPageSize(vma);
  const address = alignDown(addr, size);
  return {
    vma,
    address,
    realAddress: addr,
    pn: address / PAGE_SIZE,
    write,
    user,
    noWait,
    origPte: 0,
    waiter: undefined,
  };
}

const allows = (bits: number, write: boolean): boolean =>
  write ? (bits & (PTE.PRESENT | PTE.WRITE)) === (PTE.PRESENT | PTE.WRITE) : (bits & PTE.PRESENT) !== 0;

/** Faults until a guard loop says the handlers are going round in circles: a simulator bug. */
const MAX_FAULTS = 32;

const WRITTEN: TaskExit = { state: 'done' };

function segv(k: Kernel, addr: number): TaskExit {
  k.note(`the thread met SIGSEGV at 0x${addr.toString(16)}: the memory went away while it waited`);
  return { state: 'exited', address: addr, doing: 'killed by SIGSEGV' };
}

/**
 * A thread reads every byte of [addr, addr+len), or memsets `value` over it, a page at a time in
 * ascending order. A read's value is the byte at addr. For each page the MMU tries the access and,
 * while the PTE does not allow it, the kernel handles a fault; a userfault sleeps (the body yields
 * the wait-queue entry) and the access is tried again once woken.
 *
 * It is the thread's body as the scheduler runs it: an iterator written out by hand rather than a
 * generator, because it runs on every fault cycle and this way makes no object per step.
 */
export class UserAccess implements Iterator<Sleep, TaskExit, void>, Doing {
  private readonly k: Kernel;
  private readonly mm: Mm;
  private readonly addr: number;
  private readonly end: number;
  private readonly write: boolean;
  private readonly value: number;
  /** The next byte to access. */
  private a: number;
  private faults = 0;
  /** The fault result the thread slept in (VM_FAULT.SLEEP set), until it runs again. */
  private slept = 0;
  private result: number | undefined;
  private readonly step: { done: false; value: Sleep } = { done: false, value: undefined! };

  constructor(k: Kernel, mm: Mm, addr: number, len: number, write: boolean, value: number) {
    this.k = k;
    this.mm = mm;
    this.addr = addr;
    this.a = addr;
    this.end = addr + len;
    this.write = write;
    this.value = value;
  }

  next(): IteratorResult<Sleep, TaskExit> {
    const { k, mm, write } = this;
    if (this.slept) {
      const over = this.afterFault(this.slept);
      this.slept = 0;
      if (over) return { done: true, value: over };
    }
    while (this.a < this.end) {
      const a = this.a;
      const vma = vmaLookup(mm, a);
      if (!vma || accessError(vma, write)) return { done: true, value: segv(k, a) };
      const size = vmaPageSize(vma);
      const base = alignDown(a, size);
      const pn = base / PAGE_SIZE;
      const bits = mm.pt.bits(pn);
      if (!allows(bits, write)) {
        if (this.faults++ === MAX_FAULTS)
          throw new Error(`the fault at 0x${a.toString(16)} does not resolve`);
        const vmf = newFault(vma, a, write, true, false);
        const ret = handleMmFault(k, vmf);
        if (ret & VM_FAULT.SLEEP) {
          this.slept = ret;
          this.step.value = vmf.waiter!;
          return this.step;
        }
        const over = this.afterFault(ret);
        if (over) return { done: true, value: over };
        continue;
      }
      const end = Math.min(this.end, base + size);
      const page = mm.pt.page(pn);
      if (write) k.pages.write(page, a - base, end - a, this.value);
      else if (this.result === undefined)
        this.result = bits & PTE.ZERO ? 0 : k.pages.readByte(page, a - base);
      this.a = end;
      this.faults = 0;
    }
    return { done: true, value: write ? WRITTEN : { state: 'done', value: this.result ?? 0 } };
  }

  /** The thread's `doing`: `read 0x100000001000`, `write 0x100000001000 +4096`. */
  text(): string {
    const len = this.end - this.addr;
    return `${this.write ? 'write' : 'read'} ${hex(this.addr)}${len > 1 ? ` +${len}` : ''}`;
  }

  /** After a fault was handled (and slept in, if it had to): how the access ends, or undefined to retry. */
  private afterFault(ret: number): TaskExit | undefined {
    if (this.k.current?.fatal) return { state: 'exited' };
    if (ret & (VM_FAULT.SIGBUS | VM_FAULT.HWPOISON)) {
      return { state: 'sigbus', address: this.a, sigbusCode: BUS_ADRERR };
    }
    if (ret & VM_FAULT.SIGSEGV) return segv(this.k, this.a);
    return undefined;
  }
}

/** Thrown when the monitor's copy_from_user() would sleep in a userfault: the operation is refused. */
export class MonitorWouldBlock extends Error {
  readonly address: number;
  constructor(address: number) {
    super(`the source at 0x${address.toString(16)} is missing in a registered range`);
    this.address = address;
  }
}

/**
 * The vma in which the page at addr is present and readable by the kernel, faulting it in as the
 * kernel would; -EFAULT when it cannot be. A fault that would sleep in a userfault throws.
 */
function kernelRead(k: Kernel, mm: Mm, addr: number): Vma | number {
  for (let n = 0; n < MAX_FAULTS; n++) {
    const vma = vmaLookup(mm, addr);
    if (!vma || accessError(vma, false)) return -E.EFAULT;
    const pn = alignDown(addr, vmaPageSize(vma)) / PAGE_SIZE;
    if (mm.pt.bits(pn) & PTE.PRESENT) return vma;
    const r = handleMmFault(k, newFault(vma, addr, false, false, true));
    if (r & VM_FAULT.WOULD_BLOCK) throw new MonitorWouldBlock(addr);
    if (r & (VM_FAULT.SIGBUS | VM_FAULT.HWPOISON | VM_FAULT.SIGSEGV)) return -E.EFAULT;
  }
  throw new Error(`the kernel access at 0x${addr.toString(16)} does not resolve`);
}

/** What copy_from_user() of a whole, aligned page found there: the shared zero page. */
export const ZERO_PAGE = 0;

/**
 * copy_from_user(dst, src, size) by the monitor (process main), for UFFDIO_COPY's source. An
 * aligned page comes back as the page itself (its id, no reference taken; ZERO_PAGE for the zero
 * page); anything else as bytes; -EFAULT when the source faults.
 */
export function copyFromUser(k: Kernel, mm: Mm, src: number, size: number): number | Uint8Array {
  const first = kernelRead(k, mm, src);
  if (typeof first === 'number') return first;
  const unit = vmaPageSize(first);
  if (alignDown(src, unit) === src && size === unit) {
    const pn = src / PAGE_SIZE;
    return mm.pt.bits(pn) & PTE.ZERO ? ZERO_PAGE : mm.pt.page(pn);
  }
  const out = new Uint8Array(size);
  for (let off = 0; off < size;) {
    const a = src + off;
    const vma = off === 0 ? first : kernelRead(k, mm, a);
    if (typeof vma === 'number') return vma;
    const u = vmaPageSize(vma);
    const inPage = a - alignDown(a, u);
    const n = Math.min(size - off, u - inPage);
    const pn = (a - inPage) / PAGE_SIZE;
    if (!(mm.pt.bits(pn) & PTE.ZERO)) {
      const bytes = k.pages.bytes(mm.pt.page(pn));
      out.set(bytes.subarray(inPage, inPage + n), off);
    }
    off += n;
  }
  return out;
}

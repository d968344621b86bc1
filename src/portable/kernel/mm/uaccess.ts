// Memory accesses: a thread's loads and stores (the CPU tries, faults, the kernel handles the fault,
// the instruction runs again) and the kernel's copy_from_user() on the monitor's behalf.

import type { Sleep } from '../fs/userfaultfd-ctx';
import type { Kernel } from '../kernel';
import type { TaskExit } from '../sched';
import { VM_FAULT, type VmFault } from './fault';
import type { Mm } from './mm';
import { handleMmFault } from './memory';
import { PAGE_SIZE } from './page';
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
  const address = addr - (addr % size);
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

type Outcome =
  | { readonly kind: 'ok'; readonly vma: Vma }
  | { readonly kind: 'sigbus'; readonly code: number }
  | { readonly kind: 'segv' }
  | { readonly kind: 'killed' };

/** The MMU and the fault loop for one access at addr by `current`. */
function* faultIn(k: Kernel, mm: Mm, addr: number, write: boolean): Generator<Sleep, Outcome, void> {
  for (let n = 0; n < MAX_FAULTS; n++) {
    const vma = vmaLookup(mm, addr);
    if (!vma || accessError(vma, write)) return { kind: 'segv' };
    const pn = (addr - (addr % vmaPageSize(vma))) / PAGE_SIZE;
    if (allows(mm.pt.bits(pn), write)) return { kind: 'ok', vma };
    const vmf = newFault(vma, addr, write, true, false);
    const ret = handleMmFault(k, vmf);
    if (ret & VM_FAULT.SLEEP) yield vmf.waiter!;
    if (k.current?.fatal) return { kind: 'killed' };
    if (ret & (VM_FAULT.SIGBUS | VM_FAULT.HWPOISON)) return { kind: 'sigbus', code: BUS_ADRERR };
    if (ret & VM_FAULT.SIGSEGV) return { kind: 'segv' };
  }
  throw new Error(`the fault at 0x${addr.toString(16)} does not resolve`);
}

/**
 * A thread reads every byte of [addr, addr+len), or memsets `value` over it, a page at a time in
 * ascending order. A read's value is the byte at addr.
 */
export function* userAccess(
  k: Kernel,
  mm: Mm,
  addr: number,
  len: number,
  write: boolean,
  value: number,
): Generator<Sleep, TaskExit, void> {
  let result: number | undefined;
  for (let a = addr; a < addr + len;) {
    const got = yield* faultIn(k, mm, a, write);
    if (got.kind === 'killed') return { state: 'exited' };
    if (got.kind === 'sigbus') return { state: 'sigbus', address: a, sigbusCode: got.code };
    if (got.kind === 'segv') {
      k.note(`the thread met SIGSEGV at 0x${a.toString(16)}: the memory went away while it waited`);
      return { state: 'exited', address: a, doing: 'killed by SIGSEGV' };
    }
    const size = vmaPageSize(got.vma);
    const base = a - (a % size);
    const end = Math.min(addr + len, base + size);
    const pn = base / PAGE_SIZE;
    const bits = mm.pt.bits(pn);
    const page = mm.pt.page(pn);
    if (write) k.pages.write(page, a - base, end - a, value);
    else if (result === undefined) result = bits & PTE.ZERO ? 0 : k.pages.readByte(page, a - base);
    a = end;
  }
  return write ? { state: 'done' } : { state: 'done', value: result ?? 0 };
}

/** What copy_from_user() found at one source page. */
export type UserPage =
  | { readonly kind: 'page'; readonly page: number }
  | { readonly kind: 'zero' }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'fault' }
  | { readonly kind: 'would-block'; readonly addr: number };

/** One byte-for-byte readable page of `current`'s memory at addr, faulting it in as the kernel would. */
function kernelRead(k: Kernel, mm: Mm, addr: number): { vma: Vma; bits: number; page: number } | UserPage {
  for (let n = 0; n < MAX_FAULTS; n++) {
    const vma = vmaLookup(mm, addr);
    if (!vma || accessError(vma, false)) return { kind: 'fault' };
    const pn = (addr - (addr % vmaPageSize(vma))) / PAGE_SIZE;
    const bits = mm.pt.bits(pn);
    if (bits & PTE.PRESENT) return { vma, bits, page: mm.pt.page(pn) };
    const r = handleMmFault(k, newFault(vma, addr, false, false, true));
    if (r & VM_FAULT.WOULD_BLOCK) return { kind: 'would-block', addr };
    if (r & (VM_FAULT.SIGBUS | VM_FAULT.HWPOISON | VM_FAULT.SIGSEGV)) return { kind: 'fault' };
  }
  throw new Error(`the kernel access at 0x${addr.toString(16)} does not resolve`);
}

/**
 * copy_from_user(dst, src, size) by the monitor (process main), for UFFDIO_COPY's source. An aligned
 * page comes back as the page itself; anything else as bytes.
 */
export function copyFromUser(k: Kernel, mm: Mm, src: number, size: number): UserPage {
  const first = kernelRead(k, mm, src);
  if ('kind' in first) return first;
  const unit = vmaPageSize(first.vma);
  if (src % unit === 0 && size === unit) {
    return first.bits & PTE.ZERO ? { kind: 'zero' } : { kind: 'page', page: first.page };
  }
  const out = new Uint8Array(size);
  for (let off = 0; off < size;) {
    const a = src + off;
    const got = off === 0 ? first : kernelRead(k, mm, a);
    if ('kind' in got) return got;
    const u = vmaPageSize(got.vma);
    const inPage = a % u;
    const n = Math.min(size - off, u - inPage);
    if (!(got.bits & PTE.ZERO)) {
      const bytes = k.pages.bytes(got.page);
      out.set(bytes.subarray(inPage, inPage + n), off);
    }
    off += n;
  }
  return { kind: 'bytes', bytes: out };
}

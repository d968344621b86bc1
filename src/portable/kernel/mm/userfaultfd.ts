// mm/userfaultfd.c, the vma side: which vmas may be registered (vma_can_userfault from
// userfaultfd_k.h), registering and clearing ranges with their splits and merges, dropping a ctx
// on close or fork, and UFFDIO_WRITEPROTECT's mwriteprotect_range().

import type { UserfaultfdCtx } from '../fs/userfaultfd-ctx';
import { E, type Kernel } from '../kernel';
import type { Mm } from './mm';
import { uffdWpRange } from './mprotect';
import {
  isolateVma,
  isVmHugetlbPage,
  userfaultfdWp,
  VM,
  VM_UFFD_FLAGS,
  vmaIsAnonymous,
  vmaIsShmem,
  vmaMerge,
  vmaPageSize,
  vmasInRange,
  type Vma,
} from './vma';

/** vma_can_userfault(): the memory types a mode may be registered on, as this release allows. */
export function vmaCanUserfault(k: Kernel, vma: Vma, vmFlags: number, wpAsync: boolean): boolean {
  const p = k.profile;
  const flags = vmFlags & VM_UFFD_FLAGS;
  const hugetlb = isVmHugetlbPage(vma);
  if (flags & VM.UFFD_MINOR) {
    if (hugetlb ? !p.minorHugetlb : !(vmaIsShmem(vma) && p.minorShmem)) return false;
  }
  if (wpAsync && flags === VM.UFFD_WP) return true;
  if (vmaIsAnonymous(vma)) return true;
  if (flags & VM.UFFD_WP && !p.wpShmemHugetlb) return false;
  return p.missingShmemHugetlb && (hugetlb || vmaIsShmem(vma));
}

/** Splitting a hugetlb vma anywhere but on a huge page boundary fails (hugetlb_split). */
export function splitFails(vma: Vma, start: number, end: number): boolean {
  if (!isVmHugetlbPage(vma)) return false;
  const size = vmaPageSize(vma);
  return (start > vma.start && start % size !== 0) || (end < vma.end && end % size !== 0);
}

/** The vma now covering addr..end from addr on, after earlier merges (the vma iterator). */
function nextVma(mm: Mm, addr: number, end: number): Vma | undefined {
  return vmasInRange(mm, addr, end)[0];
}

/**
 * userfaultfd_register_range(): every vma of [start, end) gets the ctx and exactly the requested
 * modes (replacing others), split at the range ends and merged with like neighbours. A vma already
 * registered with this ctx and all the requested modes is left alone.
 */
export function userfaultfdRegisterRange(
  ctx: UserfaultfdCtx,
  vmFlags: number,
  start: number,
  end: number,
): number {
  for (let addr = start, vma = nextVma(ctx.mm, addr, end); vma; vma = nextVma(ctx.mm, addr, end)) {
    if (vma.ctx === ctx && (vma.flags & vmFlags) === vmFlags) {
      addr = vma.end;
      continue;
    }
    const s = Math.max(addr, vma.start);
    const e = Math.min(end, vma.end);
    if (splitFails(vma, s, e)) return -E.EINVAL;
    const v = isolateVma(vma, s, e);
    v.flags = (v.flags & ~VM_UFFD_FLAGS) | vmFlags;
    v.ctx = ctx;
    addr = vmaMerge(v).end;
  }
  return 0;
}

/** userfaultfd_clear_vma(): un-protects [start, end) if it was WP and drops the registration. */
export function userfaultfdClearVma(k: Kernel, vma: Vma, start: number, end: number): Vma | number {
  if (splitFails(vma, start, end)) return -E.EINVAL;
  if (userfaultfdWp(vma)) uffdWpRange(k, vma, start, end, false);
  const v = isolateVma(vma, start, end);
  v.flags &= ~VM_UFFD_FLAGS;
  v.ctx = null;
  return vmaMerge(v);
}

/** userfaultfd_reset_ctx(): the vma forgets its uffd (fork without EVENT_FORK, mremap without EVENT_REMAP). */
export function userfaultfdResetCtx(vma: Vma): void {
  vma.ctx = null;
  vma.flags &= ~VM_UFFD_FLAGS;
  vma.mm.changed();
}

/** userfaultfd_release_new(): a fork's new ctx was never handed out; the child's vmas forget it. */
export function userfaultfdReleaseNew(ctx: UserfaultfdCtx): void {
  for (const vma of [...ctx.mm.vmas]) if (vma.ctx === ctx) userfaultfdResetCtx(vma);
}

/** userfaultfd_release_all(): close() of the uffd clears it from every vma of its mm. */
export function userfaultfdReleaseAll(k: Kernel, ctx: UserfaultfdCtx): void {
  if (!ctx.mm.alive) return;
  for (const vma of [...ctx.mm.vmas]) {
    if (vma.ctx === ctx) userfaultfdClearVma(k, vma, vma.start, vma.end);
  }
}

/**
 * mwriteprotect_range(): protects or resolves [start, start+len) in every vma of it; a vma not
 * registered for WP stops it with ENOENT (what came before stays changed), as does no vma at all.
 */
export function mwriteprotectRange(
  k: Kernel,
  ctx: UserfaultfdCtx,
  start: number,
  len: number,
  enableWp: boolean,
): number {
  if (ctx.mmapChanging && k.profile.mmapChanging) return -E.EAGAIN;
  const end = start + len;
  let err = -E.ENOENT;
  for (const vma of vmasInRange(ctx.mm, start, end)) {
    if (!userfaultfdWp(vma)) return -E.ENOENT;
    if (isVmHugetlbPage(vma)) {
      const mask = vmaPageSize(vma) - 1;
      if (start % (mask + 1) || len % (mask + 1)) return -E.EINVAL;
    }
    uffdWpRange(k, vma, Math.max(vma.start, start), Math.min(vma.end, end), enableWp);
    err = 0;
  }
  return err;
}

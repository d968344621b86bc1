// struct vm_fault and the vm_fault_t results of the fault handlers (include/linux/mm_types.h).

import type { Sleep } from '../fs/userfaultfd-ctx';
import type { Vma } from './vma';

/** vm_fault_t bits; 0 means the fault was handled and the access can be retried. */
export const VM_FAULT = {
  /** The thread slept in a userfault (or the fault must be redone): retry the access. */
  RETRY: 1 << 0,
  SIGBUS: 1 << 1,
  /** A poisoned page (PTE_MARKER_POISONED). */
  HWPOISON: 1 << 2,
  SIGSEGV: 1 << 3,
  /** Simulator only: the monitor's own access would have slept in a userfault. */
  WOULD_BLOCK: 1 << 4,
  /**
   * Simulator only: handle_userfault() queued the thread on vmf.waiter; it sleeps there (at the top
   * of the access, where nothing is left to do on the way up) and then retries, as VM_FAULT_RETRY.
   */
  SLEEP: 1 << 5,
} as const;

export interface VmFault {
  readonly vma: Vma;
  /** The faulting address aligned to the page (the huge page for hugetlb): vmf->address. */
  readonly address: number;
  /** The exact address touched: vmf->real_address. */
  readonly realAddress: number;
  /** The page-table index of `address`. */
  readonly pn: number;
  readonly write: boolean;
  /** FAULT_FLAG_USER: an access by user code, not by the kernel on a syscall's behalf. */
  readonly user: boolean;
  /** The monitor's copy_from_user: it may not sleep in a userfault. */
  readonly noWait: boolean;
  /** The PTE bits when the fault began (vmf->orig_pte). */
  origPte: number;
  /** With VM_FAULT.SLEEP: the wait-queue entry the thread sleeps on. */
  waiter?: Sleep;
}

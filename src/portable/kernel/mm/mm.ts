// struct mm_struct: a process's vmas (sorted by address) and its page table.

import { PageTable } from './pgtable';
import type { Vma } from './vma';

export class Mm {
  readonly vmas: Vma[] = [];
  readonly pt = new PageTable();
  /** mm_users > 0: the process has not exited (mmget_not_zero succeeds). */
  alive = true;
  /** The process this mm belongs to, by name. */
  readonly owner: string;
  /** Bumped on every change to vmas or PTEs, so snapshots can reuse what did not change. */
  version = 0;

  constructor(owner: string) {
    this.owner = owner;
  }

  changed(): void {
    this.version++;
  }
}

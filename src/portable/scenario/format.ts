// The scenario file format, version 1: JSON, one file a scenario. Documented in docs/scenarios.md.

import type { Expr } from '../model/expr';
import type { FdName, MaskExpr, Operation, ThreadName } from '../model/operation';
import type { PageStateName, ThreadState } from '../model/snapshot';

export const SCENARIO_FORMAT = 'uffd-playground/scenario@1';

export interface Scenario {
  readonly format: typeof SCENARIO_FORMAT;
  /** Short title for the library. */
  readonly title: string;
  /** What it shows, in a paragraph. */
  readonly description?: string;
  /** Where it comes from: a selftest, a man page section, a probe. */
  readonly source?: string;
  /** Tags for the library: `basics`, `errno`, `selftest`, `events`, `wp`, `minor`, `hugetlb`... */
  readonly tags?: readonly string[];
  /** Kernel versions it applies to (`>=5.7`, `4.11-4.13`); outside them it is listed but not run. */
  readonly kernel?: string;
  /** What the real kernel needs to run it; the doctor reports what is missing. */
  readonly requires?: {
    readonly root?: boolean;
    readonly capSysPtrace?: boolean;
    /** Huge pages (2 MiB) that must be reservable. */
    readonly hugePages?: number;
    readonly devUserfaultfd?: boolean;
  };
  readonly steps: readonly Step[];
}

/** An operation with its narration and what it should return. */
export type Step = Operation & {
  /** Narration shown with the step. */
  readonly say?: string;
  /** What the step must return; a list picks by kernel version (first match wins). */
  readonly expect?: Expectation | readonly { readonly kernel: string; readonly expect: Expectation }[];
};

/** Every field is optional; only what is given is checked. */
export interface Expectation {
  readonly ret?: number;
  /** An errno name, or `0` for "no error". */
  readonly errno?: string | 0;
  /** Struct fields as the kernel left them, by C member path. */
  readonly struct?: Readonly<Record<string, Expr | readonly Expr[]>>;
  /** read(): the messages, in order, each by field (`event`, `arg.pagefault.address`, ...). */
  readonly msgs?: readonly Readonly<Record<string, Expr | readonly Expr[]>>[];
  readonly revents?: MaskExpr;
  readonly blocked?: boolean;
  readonly threads?: Readonly<
    Record<
      ThreadName,
      ThreadState | { readonly state?: ThreadState; readonly address?: Expr; readonly value?: number }
    >
  >;
  /** Page states by address; `content` is the page's content tag (see model/snapshot.ts). */
  readonly pages?: Readonly<
    Record<string, PageStateName | { readonly state?: PageStateName; readonly content?: string }>
  >;
  /** Per uffd: how many faults are pending (unread), waiting (read, not woken), events queued. */
  readonly queues?: Readonly<
    Record<FdName, { readonly pending?: number; readonly waiting?: number; readonly events?: number }>
  >;
}

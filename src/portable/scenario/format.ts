// The scenario file format, version 1: JSON, one file a scenario. Documented in docs/scenarios.md.

import type { Expr } from '../model/expr';
import type { FdName, MaskExpr, Operation, ProcessName, ThreadName } from '../model/operation';
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
  /**
   * Kernel versions it applies to (`>=5.7`, `4.11-4.13`, `>=4.11, <5.15`, `4.3-4.10 || >=6.4`);
   * outside them it is listed but not run. See kernel-range.ts.
   */
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
  readonly expect?: Expectation | readonly VersionedExpectation[];
};

/** An expectation for the kernels in a range; in a list, the first whose range holds is used. */
export interface VersionedExpectation {
  readonly kernel: string;
  readonly expect: Expectation;
}

/** A thread as expected: its state, or some of its fields. */
export type ThreadExpectation =
  | ThreadState
  | {
      readonly state?: ThreadState;
      /** blocked-fault: where it waits; sigbus: si_addr. */
      readonly address?: Expr;
      /** done after a read: the byte it read. */
      readonly value?: number;
      /** sigbus: si_code (BUS_ADRERR 2, BUS_MCEERR_AR 4). */
      readonly sigbusCode?: number;
    };

/** A page as expected: its state name, or state and content tag (see model/snapshot.ts). */
export type PageExpectation = PageStateName | { readonly state?: PageStateName; readonly content?: string };

/** One registered range as UFFDIO_REGISTER left it (after the kernel's splits and merges). */
export interface RegistrationExpectation {
  readonly start: Expr;
  readonly len: Expr;
  readonly mode: MaskExpr;
  readonly uffd?: FdName;
  readonly process?: ProcessName;
}

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
  readonly threads?: Readonly<Record<ThreadName, ThreadExpectation>>;
  /**
   * Page states by address: `a+1p`, a range `a..a+4p` (every page in [a, a+4p)), and for a forked
   * child's copy of an area the process first: `c:a+1p`.
   */
  readonly pages?: Readonly<Record<string, PageExpectation>>;
  /** Per uffd: how many faults are pending (unread), waiting (read, not woken), events queued. */
  readonly queues?: Readonly<
    Record<FdName, { readonly pending?: number; readonly waiting?: number; readonly events?: number }>
  >;
  /** Every registered range of the named processes (`main` unless given), in address order. */
  readonly registrations?: readonly RegistrationExpectation[];
  /** Whether each named process is alive. */
  readonly processes?: Readonly<Record<ProcessName, { readonly alive: boolean }>>;
}

/** The keys each part of the format allows; the validator names anything else. */
export const SCENARIO_KEYS = [
  'format',
  'title',
  'description',
  'source',
  'tags',
  'kernel',
  'requires',
  'steps',
] as const;
export const REQUIRES_KEYS = ['root', 'capSysPtrace', 'hugePages', 'devUserfaultfd'] as const;
export const EXPECTATION_KEYS = [
  'ret',
  'errno',
  'struct',
  'msgs',
  'revents',
  'blocked',
  'threads',
  'pages',
  'queues',
  'registrations',
  'processes',
] as const;

// Where the simulator differs from the real kernel on purpose: each simplification, why, and exactly
// which comparison paths it excuses. The UI shows this table beside the side-by-side view. A limit
// excuses only the differences it lists (by path, and optionally by operation and by value), never a
// whole scenario or step: everything else still fails the differential test.

import type { OpName } from '../model/operation';
import type { Result } from '../model/result';
import { ABSENT, type Difference } from './compare';
import { SIMULATOR_LIMITS } from './simulator-limits';

export interface ModelLimit {
  readonly id: string;
  readonly title: string;
  /** Why the simplification is made, for the UI. */
  readonly reason: string;
  /**
   * Difference paths it excuses. `*` matches within one dotted part, `[*]` any one bracketed page
   * range, `**` anything.
   */
  readonly paths: readonly string[];
  /** Only differences of these operations. */
  readonly ops?: readonly OpName[];
  /** Only the differences this rule holds for: the rule in words, and its check. */
  readonly rule?: { readonly text: string; readonly test: (d: Difference, step: StepContext) => boolean };
}

/** The step a difference was found in. */
export interface StepContext {
  readonly op: OpName;
  readonly sim: Result;
  readonly kernel: Result;
}

export const MODEL_LIMITS: readonly ModelLimit[] = [
  {
    id: 'executor-child-unseen-during-fork-event',
    title: 'A forked child is invisible to the executor until fork() returns',
    reason:
      'With UFFD_FEATURE_EVENT_FORK the forking thread waits in fork() until the monitor reads the FORK ' +
      'event. The child already exists in the kernel, with its copies of the areas and their ' +
      "registrations, but the executor learns the child's pid only when fork() returns, so it cannot " +
      "read the child's memory map before that. The simulator shows the child at once.",
    paths: [
      'snapshot.areas.*.kind',
      'snapshot.areas.*.prot',
      'snapshot.areas.*.range',
      'snapshot.registrations.*',
    ],
    ops: ['fork'],
    rule: {
      text: "fork() is still waiting, and the kernel side lacks something of the child's",
      test: (d, { op, kernel }) =>
        kernel.blocked === true &&
        d.kernel === ABSENT &&
        op === 'fork' &&
        kernel.op.op === 'fork' &&
        d.path.includes(`.${kernel.op.child}:`),
    },
  },
  {
    id: 'executor-hugetlb-page-cache-unseen',
    title: 'Pages of a hugetlbfs file that this process does not map are invisible to the executor',
    reason:
      "The executor learns which pages a shared file holds from mincore() on the process's own mapping. " +
      'For shmem that reports the page cache, but for hugetlbfs it reports only what the process maps: a ' +
      'huge page another process put in the file (a forked child, through its own uffd) does not show as ' +
      'cached, and its content cannot be read without mapping it. The simulator knows the page cache.',
    paths: ['snapshot.areas.*.pages[*]', 'snapshot.areas.*.content[*]'],
    rule: {
      text: 'in a shared hugetlb area, the simulator has the page cached and not mapped, the kernel side has neither',
      test: (d, { kernel }) => {
        const key = /^snapshot\.areas\.([^.]+)\./.exec(d.path)?.[1];
        const area = kernel.snapshot.areas.find((a) => `${a.process}:${a.name}` === key);
        if (!area || area.kind !== 'hugetlb' || !area.shared) return false;
        return d.path.includes('.content[')
          ? d.kernel === '-'
          : d.sim === `${d.kernel}|CACHED` && !d.sim.includes('PRESENT');
      },
    },
  },
  ...SIMULATOR_LIMITS,
];

const cache = new Map<string, RegExp>();

/** The glob of a limit's path as a regular expression over Difference.path. */
export function pathPattern(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    let src = '';
    for (let i = 0; i < glob.length; i++) {
      if (glob.startsWith('[*]', i)) {
        src += '\\[[^\\]]*\\]';
        i += 2;
      } else if (glob.startsWith('**', i)) {
        src += '.*';
        i += 1;
      } else if (glob[i] === '*') src += '[^.]*';
      else src += glob[i]!.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`);
    cache.set(glob, re);
  }
  return re;
}

/** The limit that excuses this difference found in this step, if any. */
export function excusedBy(
  d: Difference,
  step: StepContext,
  limits: readonly ModelLimit[] = MODEL_LIMITS,
): ModelLimit | undefined {
  return limits.find(
    (l) =>
      (!l.ops || l.ops.includes(step.op)) &&
      l.paths.some((p) => pathPattern(p).test(d.path)) &&
      (!l.rule || l.rule.test(d, step)),
  );
}

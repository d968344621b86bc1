// Getting this machine ready for a scenario on the real kernel: what its `requires` asks that the
// machine cannot give, and the huge pages it needs free beyond what its mappings reserve (a forked
// child's copies of private huge pages come from the free pool). Reserved pages are given back.

import { probeKernel, type KernelProbe } from '../executor';
import { HugePageReservation } from '../executor/hugepages';
import type { Scenario } from '../../portable/scenario/format';

export interface Prepared {
  /** Why the scenario cannot run here; empty when it can. */
  readonly why: readonly string[];
  /** Gives back the huge pages reserved for it. */
  release(): void;
}

let probed: Promise<KernelProbe> | undefined;
/** The kernel probe, taken once per process. */
export const kernelProbe = (): Promise<KernelProbe> => (probed ??= Promise.resolve().then(probeKernel));

export async function prepareKernel(s: Scenario): Promise<Prepared> {
  const p = await kernelProbe();
  const req = s.requires ?? {};
  const why: string[] = [];
  if (!p.syscall.ok && !p.userModeOnly.ok && !p.devUserfaultfd.ok) {
    why.push(`userfaultfd cannot be created here (${p.syscall.error ?? 'refused'})`);
  }
  if (req.root && !p.root) why.push('needs root');
  if (req.capSysPtrace && !p.capSysPtrace) why.push('needs CAP_SYS_PTRACE (UFFD_FEATURE_EVENT_FORK)');
  if (req.devUserfaultfd && !p.devUserfaultfd.ok) {
    why.push(`needs /dev/userfaultfd: ${p.devUserfaultfd.exists ? p.devUserfaultfd.error : 'not present'}`);
  }
  const touches = s.steps.some((step) => ['touch', 'fork', 'signal'].includes(step.op));
  if (touches && !p.helper.ok)
    why.push(`needs the executor's C helper: ${p.helper.why ?? p.helper.error ?? 'unavailable'}`);
  const reservation = new HugePageReservation(req.hugePages ?? 0);
  if (why.length === 0 && req.hugePages) {
    const no = reservation.ensure(req.hugePages);
    if (no) why.push(`needs ${req.hugePages} free huge pages: ${no}`);
  }
  return { why, release: () => reservation.release() };
}

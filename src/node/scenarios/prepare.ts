// Getting this machine ready for a scenario on the real kernel: the agent's doctor says what the
// machine cannot give it (one answer for the doctor, the CLI and the differential tests), and the
// huge pages it needs free beyond what its mappings reserve are reserved here (a forked child's
// copies of private huge pages come from the free pool) and given back after.

import { whyNot } from '../agent/doctor';
import { kernelFacts } from '../agent/kernel';
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
  const why = whyNot(s, kernelFacts(await kernelProbe()));
  const pages = s.requires?.hugePages ?? 0;
  const reservation = new HugePageReservation(pages);
  if (why.length === 0 && pages) {
    const no = reservation.ensure(pages);
    if (no) why.push(`needs ${pages} free huge pages: ${no}`);
  }
  return { why, release: () => reservation.release() };
}

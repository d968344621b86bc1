// One scenario on both engines, step by step: the simulator playing this machine's kernel version
// and the real kernel through the executor. What the kernel answers is checked against the
// scenario's expectations too, since the kernel is the judge of the scenario as well.

import { diffRuns, type StepDiff } from '../../portable/diff/diff-run';
import type { Scenario } from '../../portable/scenario/format';
import { runScenario, type Mismatch, type StepReport } from '../../portable/scenario/run';
import { parseVersion } from '../../portable/uapi/history';
import { createEngine } from '../cli/engines';
import { kernelProbe, prepareKernel } from '../scenarios/prepare';

export type PairReport =
  | { readonly ran: false; readonly why: string }
  | {
      readonly ran: true;
      /** Differences no model limit excuses, and the excused ones, step by step. */
      readonly steps: readonly StepDiff[];
      /** Where the real kernel's results differ from the scenario's expectations. */
      readonly kernelMismatches: readonly Mismatch[];

      /** A run that stopped early: which engine, and why. */
      readonly aborted: readonly string[];
    };

/** This machine's kernel as a simulator profile: `6.18.44-…` plays `6.18`. */
export async function hostKernel(): Promise<string> {
  const [major, minor] = parseVersion((await kernelProbe()).release) ?? [0, 0];
  return `${major}.${minor}`;
}

const resultsOf = (steps: readonly StepReport[]) => steps.map((s) => s.result);

export async function runPair(s: Scenario): Promise<PairReport> {
  const kernel = await hostKernel();
  const prepared = await prepareKernel(s);
  try {
    if (prepared.why.length) return { ran: false, why: prepared.why.join('; ') };
    const sim = await createEngine('sim', kernel);
    const simReport = await runScenario(s, sim).finally(() => sim.dispose());
    if (simReport.status === 'not-applicable') return { ran: false, why: simReport.reason };
    const x = await createEngine('kernel');
    const kernelReport = await runScenario(s, x).finally(() => x.dispose());
    if (kernelReport.status === 'not-applicable') return { ran: false, why: kernelReport.reason };
    return {
      ran: true,
      steps: diffRuns(resultsOf(simReport.steps), resultsOf(kernelReport.steps)),
      kernelMismatches: kernelReport.mismatches,
      aborted: [
        ...(simReport.aborted ? [`simulator: ${simReport.aborted}`] : []),
        ...(kernelReport.aborted ? [`kernel: ${kernelReport.aborted}`] : []),
      ],
    };
  } finally {
    prepared.release();
  }
}

/** Rows of `step | op | path | simulator | kernel`, aligned, for a failing test's message. */
export function differenceTable(steps: readonly StepDiff[]): string {
  const rows = steps.flatMap((s) =>
    s.differences.map((d) => [String(s.step), s.op, d.path, d.sim, d.kernel]),
  );
  if (rows.length === 0) return '';
  const all = [['step', 'op', 'path', 'simulator', 'kernel'], ...rows];
  const width = all[0]!.map((_, c) => Math.min(60, Math.max(...all.map((r) => r[c]!.length))));
  return all
    .map((r) =>
      r
        .map((v, c) => v.padEnd(width[c]!))
        .join(' | ')
        .trimEnd(),
    )
    .join('\n');
}

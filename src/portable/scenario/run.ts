// Runs a scenario on any Backend, step by step, and checks each step's expectation (picked by the
// backend's kernel version when it is a list). A scenario whose `kernel` range excludes the backend's
// version is not run: the report says it does not apply, and why.

import { collectPlacements, type Placement } from '../diff/address';
import type { Backend, BackendInfo } from '../model/backend';
import type { Operation, OpName } from '../model/operation';
import type { Result } from '../model/result';
import { checkExpectation, type FieldMismatch } from './check';
import type { Expectation, Scenario, Step, VersionedExpectation } from './format';
import { kernelInRange } from './kernel-range';

export interface Mismatch extends FieldMismatch {
  /** 1-based, as the scenario's error messages count. */
  readonly step: number;
  readonly op: OpName;
}

export interface StepReport {
  readonly step: number;
  readonly op: OpName;
  readonly say?: string;
  readonly result: Result;
  /** The expectation checked, if the step has one for this kernel. */
  readonly expectation?: Expectation;
  /** Which `kernel` range picked it, when the step's expect is a list. */
  readonly expectKernel?: string;
  readonly mismatches: readonly Mismatch[];
}

export type ScenarioReport =
  | { readonly status: 'not-applicable'; readonly backend: BackendInfo; readonly reason: string }
  | {
      readonly status: 'passed' | 'failed';
      readonly backend: BackendInfo;
      readonly steps: readonly StepReport[];
      readonly mismatches: readonly Mismatch[];
      /** The backend threw (a programming error, a lost connection): the run stopped there. */
      readonly aborted?: string;
    };

export interface RunOptions {
  /** Called as each step completes, for streaming output. */
  readonly onStep?: (r: StepReport) => void;
  /** Reset the backend first (default true). */
  readonly reset?: boolean;
}

/** The expectation for this kernel: the step's one, or the first of its list whose range holds. */
export function pickExpectation(step: Step, version: string): { expect?: Expectation; kernel?: string } {
  const e = step.expect;
  if (e === undefined) return {};
  if (!Array.isArray(e)) return { expect: e as Expectation };
  const hit = (e as readonly VersionedExpectation[]).find((v) => kernelInRange(v.kernel, version));
  return hit ? { expect: hit.expect, kernel: hit.kernel } : {};
}

/** The step without its narration and expectation: what the backend runs. */
export function stepOperation(step: Step): Operation {
  const { say: _say, expect: _expect, ...op } = step;
  return op as Operation;
}

/** Why a scenario does not apply to this kernel, or undefined when it does. */
export function notApplicable(s: Scenario, version: string): string | undefined {
  if (s.kernel === undefined || kernelInRange(s.kernel, version)) return undefined;
  return `the scenario is for kernels ${s.kernel}; this backend runs ${version}`;
}

export async function runScenario(
  s: Scenario,
  backend: Backend,
  opts: RunOptions = {},
): Promise<ScenarioReport> {
  const info = backend.info();
  const reason = notApplicable(s, info.kernelVersion);
  if (reason) return { status: 'not-applicable', backend: info, reason };
  if (opts.reset ?? true) await backend.reset();

  const steps: StepReport[] = [];
  const placements = new Map<string, Placement>();
  for (const [i, step] of s.steps.entries()) {
    let result: Result;
    try {
      result = await backend.run(stepOperation(step));
    } catch (e) {
      const aborted = `step ${i + 1} (${step.op}): the backend failed: ${e instanceof Error ? e.message : String(e)}`;
      return finish(info, steps, aborted);
    }
    for (const p of collectPlacements([result.snapshot])) placements.set(`${p.name}@${p.start}`, p);
    const report = checkStep(step, i + 1, result, info.kernelVersion, [...placements.values()]);
    steps.push(report);
    opts.onStep?.(report);
  }
  return finish(info, steps);
}

function finish(backend: BackendInfo, steps: StepReport[], aborted?: string): ScenarioReport {
  const mismatches = steps.flatMap((s) => s.mismatches);
  const failed = mismatches.length > 0 || aborted !== undefined;
  return {
    status: failed ? 'failed' : 'passed',
    backend,
    steps,
    mismatches,
    ...(aborted ? { aborted } : {}),
  };
}

export function checkStep(
  step: Step,
  n: number,
  result: Result,
  version: string,
  placements: readonly Placement[],
): StepReport {
  const { expect, kernel } = pickExpectation(step, version);
  const found: FieldMismatch[] = [];
  if (result.usageError) {
    found.push({ field: 'usageError', expected: 'none', actual: result.usageError.message });
  }
  if (expect) found.push(...checkExpectation(expect, { result, placements }));
  return {
    step: n,
    op: step.op,
    ...(step.say !== undefined ? { say: step.say } : {}),
    result,
    ...(expect ? { expectation: expect } : {}),
    ...(kernel ? { expectKernel: kernel } : {}),
    mismatches: found.map((m) => ({ step: n, op: step.op, ...m })),
  };
}

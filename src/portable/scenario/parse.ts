// JSON text -> a validated Scenario, or every problem found, each naming the step (1-based, with its
// op), the field and what is wrong, with the line and column where it is. Never throws on input.

import { checkExpect } from './check-expect';
import { checkStepFields, stepOp, type Report } from './check-step';
import { REQUIRES_KEYS, SCENARIO_FORMAT, SCENARIO_KEYS, type Scenario } from './format';
import { JsonSyntaxError, parseJson, type Position } from './json';
import { parseKernelRange } from './kernel-range';
import { describeJson, isPlainObject, Scope } from './scope';
import { didYouMean } from './suggest';

export interface ScenarioError {
  /** e.g. `step 4 (ioctl): arg.range.len: unknown name 'b'`. */
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export type ParseResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly errors: readonly ScenarioError[] };

type Locate = (path: readonly (string | number)[]) => Position | undefined;

export function parseScenario(text: string): ParseResult {
  let parsed;
  try {
    parsed = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { ok: false, errors: [{ message: `JSON: ${e.message}`, line: e.line, column: e.column }] };
  }
  const errors = validateScenario(parsed.value, parsed.locate);
  return errors.length ? { ok: false, errors } : { ok: true, scenario: parsed.value as unknown as Scenario };
}

/** Every problem of an already-parsed document; `locate` finds lines when the text is known. */
export function validateScenario(doc: unknown, locate: Locate = () => undefined): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const add = (path: readonly (string | number)[], message: string) => {
    let at = locate(path);
    for (let p = path.slice(0, -1); !at && p.length; p = p.slice(0, -1)) at = locate(p);
    errors.push(at ? { message, line: at.line, column: at.column } : { message });
  };
  if (!isPlainObject(doc)) {
    add([], `a scenario is a JSON object, got ${describeJson(doc)}`);
    return errors;
  }
  checkHeader(doc, add);
  const steps = doc.steps;
  if (steps === undefined) add([], "missing 'steps'");
  else if (!Array.isArray(steps) || steps.length === 0) add(['steps'], 'steps: expected a non-empty list');
  else checkSteps(steps, add);
  return errors;
}

function checkHeader(doc: Record<string, unknown>, add: Report) {
  for (const key of Object.keys(doc)) {
    if (!(SCENARIO_KEYS as readonly string[]).includes(key)) {
      add([key], `unknown field '${key}'${didYouMean(key, SCENARIO_KEYS)}`);
    }
  }
  if (doc.format === undefined) add([], `missing 'format': "${SCENARIO_FORMAT}"`);
  else if (doc.format !== SCENARIO_FORMAT) {
    add(
      ['format'],
      `format: ${describeJson(doc.format)} is not supported; this version reads "${SCENARIO_FORMAT}"`,
    );
  }
  if (typeof doc.title !== 'string' || doc.title.trim() === '')
    add(['title'], 'title: expected a non-empty string');
  for (const key of ['description', 'source'] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== 'string') add([key], `${key}: expected a string`);
  }
  if (doc.tags !== undefined && (!Array.isArray(doc.tags) || doc.tags.some((t) => typeof t !== 'string'))) {
    add(['tags'], 'tags: expected a list of strings');
  }
  if (doc.kernel !== undefined) {
    const r = typeof doc.kernel === 'string' ? parseKernelRange(doc.kernel) : 'expected a string';
    if (typeof r === 'string') add(['kernel'], `kernel: ${r}`);
  }
  const req = doc.requires;
  if (req === undefined) return;
  if (!isPlainObject(req)) {
    add(['requires'], 'requires: expected an object');
    return;
  }
  for (const [key, v] of Object.entries(req)) {
    if (!(REQUIRES_KEYS as readonly string[]).includes(key)) {
      add(['requires', key], `requires.${key}: unknown requirement${didYouMean(key, REQUIRES_KEYS)}`);
    } else if (key === 'hugePages' ? !Number.isSafeInteger(v) || (v as number) < 1 : typeof v !== 'boolean') {
      add(
        ['requires', key],
        `requires.${key}: expected ${key === 'hugePages' ? 'a positive count' : 'true or false'}`,
      );
    }
  }
}

function checkSteps(steps: readonly unknown[], add: Report) {
  const scope = new Scope();
  // Where each name is first defined, so a name used too early can say where it comes from.
  steps.forEach((s, i) => {
    if (!isPlainObject(s)) return;
    const as = s.as ?? s.child;
    if (typeof as === 'string' && !scope.definedAt.has(as)) scope.definedAt.set(as, i + 1);
  });
  steps.forEach((step, i) => {
    const n = i + 1;
    if (!isPlainObject(step)) {
      add(['steps', i], `step ${n}: expected an object with an 'op', got ${describeJson(step)}`);
      return;
    }
    const bare = (path: readonly (string | number)[], message: string) =>
      add(['steps', i, ...path], `step ${n}: ${message}`);
    const op = stepOp(step, bare);
    if (!op) return;
    const report: Report = (path, message) => add(['steps', i, ...path], `step ${n} (${op}): ${message}`);
    const request = checkStepFields({ step, op, scope, report });
    if (step.say !== undefined && typeof step.say !== 'string') report(['say'], 'say: expected a string');
    if (step.expect !== undefined) checkExpect({ scope, request, report }, step.expect);
  });
}

/** `file:line:column: message`, or without the parts not known. */
export function formatScenarioError(e: ScenarioError, file?: string): string {
  const where = [file, e.line, e.line !== undefined ? e.column : undefined].filter((x) => x !== undefined);
  return where.length ? `${where.join(':')}: ${e.message}` : e.message;
}

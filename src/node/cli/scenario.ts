// npm run scenario -- FILE... [--engine sim|kernel] [--kernel VERSION] [--json]
// Runs scenarios step by step and prints each step's result; see args.ts for the exit codes.

import { readFile } from 'node:fs/promises';
import { collectPlacements } from '../../portable/diff/address';
import { toWire } from '../../portable/model/wire';
import type { Snapshot } from '../../portable/model/snapshot';
import { describeStep, type LineKind } from '../../portable/scenario/describe-step';
import { formatScenarioError, parseScenario } from '../../portable/scenario/parse';
import {
  notApplicable,
  runScenario,
  type ScenarioReport,
  type StepReport,
} from '../../portable/scenario/run';
import { disposeAll } from '../executor';
import { parseArgs, USAGE, type CliArgs } from './args';
import { createEngine } from './engines';
import { kernelProbe, prepareKernel } from '../scenarios/prepare';

const EXIT = { ok: 0, mismatch: 1, malformed: 2, unavailable: 3 } as const;

const COLOR: Record<LineKind, string> = {
  call: '\x1b[1m',
  say: '\x1b[2m',
  detail: '',
  change: '\x1b[36m',
  ok: '\x1b[32m',
  mismatch: '\x1b[31m',
  error: '\x1b[31m',
};

function printer(color: boolean) {
  return (kind: LineKind, text: string, indent = kind === 'call' ? '' : '   ') => {
    const body = kind === 'say' ? `# ${text}` : text;
    process.stdout.write(
      color && COLOR[kind] ? `${indent}${COLOR[kind]}${body}\x1b[0m\n` : `${indent}${body}\n`,
    );
  };
}

async function runFile(file: string, args: CliArgs, print: ReturnType<typeof printer>): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    process.stderr.write(
      `${file}: cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return EXIT.malformed;
  }
  const parsed = parseScenario(text);
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`${formatScenarioError(e, file)}\n`);
    return EXIT.malformed;
  }
  const s = parsed.scenario;
  let prepared: Awaited<ReturnType<typeof prepareKernel>> | undefined;
  // A scenario for other kernels is not applicable (the run says so), not one that cannot run here.
  if (args.engine === 'kernel' && !notApplicable(s, (await kernelProbe()).release)) {
    prepared = await prepareKernel(s);
    if (prepared.why.length) {
      prepared.release();
      const msg = `${file}: cannot run on this machine's kernel: ${prepared.why.join('; ')}`;
      if (args.json)
        process.stdout.write(
          `${toWire({ file, title: s.title, status: 'cannot-run', why: prepared.why })}\n`,
        );
      else process.stderr.write(`${msg}\n`);
      return EXIT.unavailable;
    }
  }
  const engine = await createEngine(args.engine, args.kernel);
  try {
    const info = engine.info();
    if (!args.json) {
      print('call', `${file}: ${s.title}`, '');
      print('detail', `engine: ${info.engine}, kernel ${info.kernelVersion}`, '');
      const na = notApplicable(s, info.kernelVersion);
      if (na) print('ok', `not applicable: ${na}`, '');
    }
    let before: Snapshot | undefined;
    const seen: Snapshot[] = [];
    const report: ScenarioReport = await runScenario(s, engine, {
      onStep: (step: StepReport) => {
        if (args.json) return;
        seen.push(step.result.snapshot);
        for (const l of describeStep(step, before, collectPlacements(seen))) print(l.kind, l.text);
        before = step.result.snapshot;
      },
    });
    if (args.json) {
      process.stdout.write(`${toWire({ file, title: s.title, ...report })}\n`);
    } else if (report.status !== 'not-applicable') {
      if (report.aborted) print('error', `aborted: ${report.aborted}`, '');
      if (report.status === 'passed') print('ok', `PASSED: ${report.steps.length} steps as expected`, '');
      else {
        print('mismatch', `FAILED: ${report.mismatches.length} mismatch(es)`, '');
        for (const m of report.mismatches) {
          print('mismatch', `step ${m.step} (${m.op}) ${m.field}: expected ${m.expected}, got ${m.actual}`);
        }
      }
    }
    return report.status === 'failed' ? EXIT.mismatch : EXIT.ok;
  } finally {
    await engine.dispose();
    prepared?.release();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n\n${USAGE}\n`);
    return EXIT.malformed;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const print = printer(process.stdout.isTTY && !process.env.NO_COLOR);
  let code: number = EXIT.ok;
  for (const file of args.files) code = Math.max(code, await runFile(file, args, print));
  return code;
}

main(process.argv.slice(2))
  .catch((e: unknown) => {
    // The engine failed (no helper, no uffd, a bug): say so in one line, not with a stack.
    process.stderr.write(`cannot run: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.unavailable;
  })
  .then(async (code) => {
    await disposeAll();
    process.exit(code);
  });

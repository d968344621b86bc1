// The scenario CLI's command line: files, --kernel VERSION, --json, --engine sim|kernel.

import { parseVersion } from '../../portable/uapi/history';

export interface CliArgs {
  readonly files: readonly string[];
  readonly engine: 'sim' | 'kernel';
  readonly kernel?: string;
  readonly json: boolean;
  readonly help: boolean;
}

export const USAGE = `usage: npm run scenario -- FILE... [--engine sim|kernel] [--kernel VERSION] [--json]

Runs each scenario step by step, prints what every step returned and changed, and checks its
expectations. Exits 1 when a result differs from what the scenario expects, 2 when a file or the
command line is malformed, 3 when the engine cannot run here.

  --engine sim     the simulated kernel (default)
  --engine kernel  the real kernel of this machine, through the executor
  --kernel 5.10    the kernel version the simulator plays (default: the newest)
  --json           the results as JSON (bigints and bytes tagged as in model/wire.ts)`;

/** The parsed command line, or the message saying what is wrong with it. */
export function parseArgs(argv: readonly string[]): CliArgs | string {
  const files: string[] = [];
  let engine: CliArgs['engine'] = 'sim';
  let kernel: string | undefined;
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      i++;
      return argv[i];
    };
    const name = a.split('=')[0];
    if (name === '--engine') {
      const v = value();
      if (v !== 'sim' && v !== 'kernel')
        return `--engine takes sim or kernel, not ${v === undefined ? 'nothing' : `'${v}'`}`;
      engine = v;
    } else if (name === '--kernel') {
      const v = value();
      if (v === undefined || !parseVersion(v))
        return `--kernel takes a version like 6.18 or 5.10, not ${v === undefined ? 'nothing' : `'${v}'`}`;
      kernel = v;
    } else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else files.push(a);
  }
  if (!help && files.length === 0) return 'no scenario file given';
  if (engine === 'kernel' && kernel !== undefined) {
    return "--kernel picks the simulator's kernel version; the real kernel is the one this machine runs";
  }
  return { files, engine, json, help, ...(kernel !== undefined ? { kernel } : {}) };
}

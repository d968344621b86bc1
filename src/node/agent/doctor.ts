// The doctor: the kernel probe's facts, what they rule out, and for each built-in scenario whether
// it can run here and why not.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MaskExpr } from '../../portable/model/operation';
import { resolveUffdFlags, type ResolveEnv } from '../../portable/model/resolve';
import { SCENARIO_FORMAT, type Scenario } from '../../portable/scenario/format';
import { parseKernelRange } from '../../portable/scenario/kernel-range';
import { parseScenario } from '../../portable/scenario/parse';
import type { AccessWay, DoctorReport, ScenarioCheck } from '../../portable/protocol/doctor';
import { UFFD_USER_MODE_ONLY } from '../../portable/uapi/userfaultfd';

/** What the probe found; the doctor adds what follows from it. */
export type KernelFacts = Omit<DoctorReport, 'cannot' | 'scenarios'>;

const usable = (f: KernelFacts, way: AccessWay) => f.access.find((a) => a.way === way);

const hugePagesNote = (f: KernelFacts, n: number): string | undefined => {
  const h = f.hugePages;
  if (h.size === 0) return `needs ${n} huge page${n === 1 ? '' : 's'}; this kernel has no hugetlb`;
  if (h.free >= n || h.reservable) return undefined;
  return `needs ${n} free huge page${n === 1 ? '' : 's'}; ${h.free} ${h.free === 1 ? 'is' : 'are'} free and only root can reserve more (vm.nr_hugepages)`;
};

/** What this agent cannot do on this machine, each said plainly, from the probe's facts. */
export function cannotHere(f: KernelFacts): string[] {
  const out: string[] = [];
  if (!f.access.some((a) => a.usable))
    out.push('create a userfaultfd at all: every way was refused (see above)');
  const full = usable(f, 'syscall');
  if (full && !full.usable && usable(f, 'syscall-user-mode-only')?.usable) {
    out.push(
      'handle faults the kernel itself takes for the process (a read(2) into a registered page): that needs ' +
        'userfaultfd(2) without UFFD_USER_MODE_ONLY, which needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1',
    );
  }
  const dev = usable(f, 'dev-userfaultfd');
  if (dev && !dev.usable) out.push(`open /dev/userfaultfd: ${dev.detail}`);
  if (!f.user.capSysPtrace)
    out.push('UFFD_FEATURE_EVENT_FORK: UFFDIO_API refuses it without CAP_SYS_PTRACE (EPERM)');
  const huge = hugePagesNote(f, 1);
  if (huge) out.push(`hugetlb areas: ${huge.replace(/^needs 1 (free )?huge page; /, '')}`);
  if (!f.helper.available) out.push(`touches, threads and fork: ${f.helper.detail}`);
  return out;
}

/** Flags name no area and no page: any sizes resolve them. */
const FLAGS_ONLY: ResolveEnv = { pageSize: 4096, hugePageSize: 2 << 20, areaStart: () => undefined };

/** Whether userfaultfd(2) gets UFFD_USER_MODE_ONLY, however the flags are written (short names, numbers). */
function userModeOnly(flags: MaskExpr | undefined): boolean {
  try {
    return (resolveUffdFlags(flags, FLAGS_ONLY, 'flags') & BigInt(UFFD_USER_MODE_ONLY)) !== 0n;
  } catch {
    return false; // flags that do not resolve: the run will say so; here they are not user-mode-only
  }
}

/** Every reason this scenario cannot run on this machine; none when it can. */
export function whyNot(s: Scenario, f: KernelFacts): string[] {
  const why: string[] = [];
  if (s.kernel !== undefined) {
    const range = parseKernelRange(s.kernel);
    if (typeof range === 'string') why.push(`its kernel range cannot be read: ${range}`);
    else if (!range.includes(f.kernel.version))
      why.push(`written for kernels ${s.kernel}; this one is ${f.kernel.version}`);
  }
  const req = s.requires ?? {};
  if (req.root && !f.user.root) why.push('needs root');
  if (req.capSysPtrace && !f.user.capSysPtrace) why.push('needs CAP_SYS_PTRACE');
  const ops = new Set(s.steps.map((step) => step.op));
  const dev = usable(f, 'dev-userfaultfd');
  if ((req.devUserfaultfd || ops.has('open')) && !dev?.usable) {
    why.push(`needs /dev/userfaultfd: ${dev?.detail ?? 'not probed'}`);
  }
  const full = usable(f, 'syscall');
  const plain = s.steps.some((step) => step.op === 'userfaultfd' && !userModeOnly(step.flags));
  if (plain && full && !full.usable)
    why.push(
      'creates a userfaultfd without UFFD_USER_MODE_ONLY, which needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1',
    );
  const hugePages =
    req.hugePages ?? (s.steps.some((step) => step.op === 'mmap' && step.kind === 'hugetlb') ? 1 : 0);
  const huge = hugePages > 0 ? hugePagesNote(f, hugePages) : undefined;
  if (huge) why.push(huge);
  const threads = s.steps.some((step) => ['touch', 'fork', 'signal'].includes(step.op) || 'thread' in step);
  if (threads && !f.helper.available) why.push(`runs threads, which need the C helper: ${f.helper.detail}`);
  return why;
}

/** Each scenario file in `dir` (sorted by name), checked against this machine. */
export async function checkScenarios(dir: string, f: KernelFacts): Promise<ScenarioCheck[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    return [
      {
        file: dir,
        title: '(scenario folder)',
        runnable: false,
        why: [`cannot read it: ${(e as Error).message}`],
      },
    ];
  }
  return Promise.all(
    files.map(async (file): Promise<ScenarioCheck> => {
      const parsed = parseScenario(await readFile(join(dir, file), 'utf8'));
      if (!parsed.ok) {
        const first = parsed.errors[0]!;
        const at = first.line ? ` (line ${first.line})` : '';
        return {
          file,
          title: '',
          runnable: false,
          why: [`not a valid ${SCENARIO_FORMAT} file: ${first.message}${at}`],
        };
      }
      const why = whyNot(parsed.scenario, f);
      return { file, title: parsed.scenario.title, runnable: why.length === 0, why };
    }),
  );
}

export async function buildDoctor(facts: KernelFacts, scenarioDir: string): Promise<DoctorReport> {
  return { ...facts, cannot: cannotHere(facts), scenarios: await checkScenarios(scenarioDir, facts) };
}

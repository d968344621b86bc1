// The doctor: what this machine's kernel offers for userfaultfd, how this agent can reach it, and
// which built-in scenarios can run here. The agent builds it; `--doctor` and the page both print it
// with formatDoctor.

export type AccessWay = 'syscall' | 'syscall-user-mode-only' | 'dev-userfaultfd';

export interface AccessCheck {
  readonly way: AccessWay;
  readonly usable: boolean;
  /** Why not, or what it means: `EPERM: needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1`. */
  readonly detail: string;
}

export interface ScenarioCheck {
  /** The file name in scenarios/. */
  readonly file: string;
  readonly title: string;
  readonly runnable: boolean;
  /** Each reason it cannot run here; empty when it can. */
  readonly why: readonly string[];
}

export interface DoctorReport {
  readonly kernel: {
    /** uname -r */
    readonly release: string;
    /** major.minor, as scenarios' kernel ranges and the simulator's profiles use it. */
    readonly version: string;
    readonly arch: string;
    readonly pageSize: number;
  };
  readonly user: { readonly uid: number; readonly root: boolean; readonly capSysPtrace: boolean };
  /** vm.unprivileged_userfaultfd, or null when the sysctl does not exist (before 5.2). */
  readonly unprivilegedUserfaultfd: number | null;
  readonly access: readonly AccessCheck[];
  /** What UFFDIO_API reports, by name; `error` when no uffd could be made. */
  readonly api:
    { readonly features: readonly string[]; readonly ioctls: readonly string[] } | { readonly error: string };
  readonly hugePages: {
    /** Bytes; 0 when the kernel has no hugetlb. */
    readonly size: number;
    readonly total: number;
    readonly free: number;
    /** The agent may raise vm.nr_hugepages itself (root). */
    readonly reservable: boolean;
  };
  /** The executor's small C library (touches that survive SIGBUS, fork). */
  readonly helper: { readonly available: boolean; readonly detail: string };
  /** What this agent cannot do here, each said plainly. */
  readonly cannot: readonly string[];
  readonly scenarios: readonly ScenarioCheck[];
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

const ACCESS_LABEL: Record<AccessWay, string> = {
  syscall: 'userfaultfd(2)',
  'syscall-user-mode-only': 'userfaultfd(UFFD_USER_MODE_ONLY)',
  'dev-userfaultfd': '/dev/userfaultfd',
};

const LABEL = 14;
const WIDTH = 100;

/** `label  a b c` wrapped under itself at WIDTH columns. */
function wrap(label: string, words: readonly string[]): string[] {
  const lines = [label.padEnd(LABEL)];
  for (const w of words.length ? words : ['(none)']) {
    const last = lines.length - 1;
    if (lines[last]!.length > LABEL && lines[last]!.length + 1 + w.length > WIDTH)
      lines.push(' '.repeat(LABEL) + w);
    else lines[last] += (lines[last]!.length > LABEL ? ' ' : '') + w;
  }
  return lines;
}

/** The doctor as plain text lines, for a terminal or the page's console. */
export function formatDoctor(d: DoctorReport): string[] {
  const lines: string[] = [];
  const k = d.kernel;
  lines.push(`kernel        ${k.release} (${k.arch}), page size ${k.pageSize}`);
  lines.push(
    `user          uid ${d.user.uid}${d.user.root ? ' (root)' : ''}, CAP_SYS_PTRACE ${yesNo(d.user.capSysPtrace)}`,
  );
  lines.push(
    `sysctl        vm.unprivileged_userfaultfd = ${d.unprivilegedUserfaultfd ?? 'absent (kernel before 5.2)'}`,
  );
  lines.push('userfaultfd');
  const width = Math.max(...Object.values(ACCESS_LABEL).map((l) => l.length));
  for (const a of d.access) {
    lines.push(`  ${ACCESS_LABEL[a.way].padEnd(width)}  ${a.usable ? 'usable' : 'not usable'}: ${a.detail}`);
  }
  if ('error' in d.api) {
    lines.push(`UFFDIO_API    ${d.api.error}`);
  } else {
    lines.push(...wrap('features', d.api.features));
    lines.push(
      ...wrap(
        'ioctls',
        d.api.ioctls.map((n) => n.replace(/^_/, '')),
      ),
    );
  }
  const h = d.hugePages;
  lines.push(
    h.size === 0
      ? 'huge pages    none (no hugetlb in this kernel)'
      : `huge pages    ${h.size / (1 << 20)} MiB: ${h.free} free of ${h.total}` +
          (h.reservable
            ? ', more can be reserved'
            : h.free === 0
              ? ', none can be reserved (needs root)'
              : ''),
  );
  lines.push(`C helper      ${d.helper.available ? 'available' : 'not available'}: ${d.helper.detail}`);
  if (d.cannot.length) {
    lines.push('cannot here');
    for (const c of d.cannot) lines.push(`  - ${c}`);
  }
  const runnable = d.scenarios.filter((s) => s.runnable).length;
  lines.push(
    d.scenarios.length
      ? `scenarios     ${runnable} of ${d.scenarios.length} can run here`
      : 'scenarios     none found',
  );
  for (const s of d.scenarios) {
    lines.push(`  ${s.runnable ? 'ok  ' : 'no  '}${s.file}${s.runnable ? '' : `: ${s.why.join('; ')}`}`);
  }
  return lines;
}

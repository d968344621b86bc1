// The whole simulated machine: its profile, its pages, its processes and threads. Kernel functions
// take it as their first argument, the way kernel code reaches `current` and global state.

import { ERRNO } from '../uapi/errno';
import { kernelProfile, type KernelProfile } from './profile';
import { Inode, type InodeType } from './mm/filemap';
import { Mm } from './mm/mm';
import { PageStore } from './mm/page';
import { Process, Scheduler, Task } from './sched';

export interface KernelOptions {
  /** The release to behave as, `4.3` … `6.18` (default: the newest). */
  readonly kernel?: string;
  /** The process has CAP_SYS_PTRACE (it runs as root); default true. False also means not root. */
  readonly capSysPtrace?: boolean;
  /** vm.unprivileged_userfaultfd (5.2+); default as the release shipped it. */
  readonly unprivilegedUserfaultfd?: 0 | 1;
  /** The effective mmap_min_addr (0 on the development machines). */
  readonly mmapMinAddr?: number;
}

/** x86_64 with 4-level page tables: the first address user space cannot map. */
export const TASK_SIZE = 0x7ffffffff000;

export const MAIN_PID = 1000;
export const FIRST_CHILD_PID = 2000;

/** The kernel's negative errno convention: `-E.EINVAL`. */
export const E = ERRNO;

export class Kernel {
  readonly profile: KernelProfile;
  readonly capSysPtrace: boolean;
  readonly unprivilegedUserfaultfd: 0 | 1;
  readonly mmapMinAddr: number;
  readonly pages = new PageStore();
  readonly sched = new Scheduler();
  readonly processes = new Map<string, Process>();
  readonly tasks = new Map<string, Task>();
  /** Named files (memfds, regular files) so two mappings can share one. */
  readonly files = new Map<string, Inode>();
  /** Every file ever made, named or not. */
  readonly inodes: Inode[] = [];
  readonly main: Process;
  /** Engine remarks for the current operation's result. */
  notes: string[] = [];
  private nextPid = FIRST_CHILD_PID;
  private nextAnonVma = 1;
  private nextFile = 1;

  constructor(opts: KernelOptions = {}) {
    this.profile = kernelProfile(opts.kernel);
    this.capSysPtrace = opts.capSysPtrace ?? true;
    this.unprivilegedUserfaultfd = opts.unprivilegedUserfaultfd ?? this.profile.unprivilegedDefault;
    this.mmapMinAddr = opts.mmapMinAddr ?? 0;
    this.main = this.newProcess('main', MAIN_PID, new Mm('main'));
    this.newTask('main', this.main);
  }

  get current(): Task | null {
    return this.sched.current;
  }

  /** The mm of `current`: the faulting thread's, or the monitor's (process main). */
  get currentMm(): Mm {
    return (this.current?.process ?? this.main).mm;
  }

  newProcess(name: string, pid = this.nextPid++, mm = new Mm(name)): Process {
    const p = new Process(name, pid, mm);
    this.processes.set(name, p);
    return p;
  }

  newTask(name: string, process: Process): Task {
    const t = new Task(name, process);
    this.tasks.set(name, t);
    return t;
  }

  newAnonVma(): number {
    return this.nextAnonVma++;
  }

  /** A file no one has named: the shmem file behind MAP_SHARED|MAP_ANONYMOUS, an unnamed memfd. */
  newFile(type: InodeType, size: number, name = `[${type}-${this.nextFile++}]`): Inode {
    const inode = new Inode(type, name, size);
    this.inodes.push(inode);
    return inode;
  }

  /** Changes with anything a page of `mm` may show: its vmas and PTEs, page contents, files. */
  memoryVersion(mm: Mm): string {
    let files = 0;
    for (const f of this.inodes) files += f.version;
    return `${mm.version}:${mm.pt.version}:${this.pages.version}:${files}`;
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

// Limits on what one session may ask of the machine, and the executor's other options.

export interface ExecutorOptions {
  /** Areas mapped over the session's life (including `$src`). */
  readonly maxAreas: number;
  /** Bytes in one area, or one file. */
  readonly maxAreaBytes: bigint;
  /** Bytes of all areas together. */
  readonly maxTotalBytes: bigint;
  /** Named threads of the session's process. */
  readonly maxThreads: number;
  /** Forked children at once. */
  readonly maxProcesses: number;
  /** Open fds (uffds and /dev/userfaultfd). */
  readonly maxFds: number;
  /** The size of one read(). */
  readonly maxReadBytes: number;
  /** Bytes one touch may access. */
  readonly maxTouchBytes: bigint;
  /** Huge pages the executor may add to vm.nr_hugepages (as root). */
  readonly maxHugePages: number;
  /** How long to wait for a thread to finish or block before reporting it `running`. */
  readonly settleTimeoutMs: number;
  /** Run a batch with the executor's thread and the session's threads on one CPU (see pin.ts). */
  readonly pinBatches: boolean;
}

export const DEFAULT_OPTIONS: ExecutorOptions = {
  maxAreas: 64,
  maxAreaBytes: 256n << 20n,
  maxTotalBytes: 1n << 30n,
  maxThreads: 16,
  maxProcesses: 4,
  maxFds: 64,
  maxReadBytes: 64 * 1024,
  maxTouchBytes: 64n << 20n,
  maxHugePages: 64,
  settleTimeoutMs: 5000,
  pinBatches: true,
};

/** A request the executor refuses before any syscall: a name, a cap, an address outside the session. */
export class UsageErr extends Error {
  override name = 'UsageErr';
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    if (field !== undefined) this.field = field;
  }
}

export function usage(message: string, field?: string): never {
  throw new UsageErr(message, field);
}

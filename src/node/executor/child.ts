// A forked child process: it runs the C helper's command loop (native/uffd_helper.c), so its one
// thread touches memory on command and reports back through a pipe. The executor watches it as it
// watches its own threads: /proc/<pid>/task/<pid>/wchan, and its progress slot read through
// /proc/<pid>/mem.

import {
  CHILD_CMD_SIZE,
  CHILD_HELLO,
  CHILD_OUT_SIZE,
  ChildCmd,
  os,
  SIGKILL,
  WNOHANG,
  type TouchOutcome,
} from './os';
import { ProcFile, voluntarySwitches } from './proc';
import { EAGAIN, F_SETFL, O_CLOEXEC, O_NONBLOCK } from './constants';

export class ChildPipes {
  /** The child's ends: it reads commands from one and writes results to the other. */
  readonly childCmd: number;
  readonly childRes: number;
  readonly cmd: number;
  readonly res: number;
  private open: number[];
  private constructor(cmd: [number, number], res: [number, number]) {
    [this.childCmd, this.cmd] = cmd;
    [this.res, this.childRes] = res;
    this.open = [...cmd, ...res];
  }
  static open(): ChildPipes | number {
    const cmd = os.pipe(O_CLOEXEC);
    if (typeof cmd === 'number') return cmd;
    const res = os.pipe(O_CLOEXEC);
    if (typeof res === 'number') {
      cmd.forEach((fd) => os.close(fd));
      return res;
    }
    os.fcntl(res[0], F_SETFL, O_NONBLOCK);
    return new ChildPipes(cmd, res);
  }
  /** After fork: the parent keeps only its own ends. */
  closeChildEnds(): void {
    this.closeOnly([this.childCmd, this.childRes]);
  }
  closeAll(): void {
    this.closeOnly([...this.open]);
  }
  private closeOnly(fds: number[]): void {
    for (const fd of fds) {
      if (!this.open.includes(fd)) continue;
      os.close(fd);
      this.open = this.open.filter((f) => f !== fd);
    }
  }
}

export class ChildProc {
  pid = 0;
  alive = true;
  private readonly pipes: ChildPipes;
  private readonly progressAddr: bigint;
  private outstanding = false;
  private reaped = false;
  private result: TouchOutcome | undefined;
  private wchanFile: ProcFile | undefined;
  private statusFile: ProcFile | undefined;
  private memFd: number | undefined;

  constructor(pipes: ChildPipes, progressAddr: bigint) {
    this.pipes = pipes;
    this.progressAddr = progressAddr;
  }

  /** Reads what the child wrote: its hello (pid) and touch results. Returns true when it learned something. */
  poll(): boolean {
    const buf = Buffer.alloc(CHILD_OUT_SIZE);
    let learned = false;
    for (;;) {
      const n = os.read(this.pipes.res, buf, CHILD_OUT_SIZE);
      if (n === -EAGAIN || n <= 0) {
        if (n === 0) this.alive = false;
        return learned;
      }
      learned = true;
      const status = Number(buf.readBigInt64LE(0));
      if (status === CHILD_HELLO) {
        this.started(Number(buf.readBigInt64LE(8)));
        continue;
      }
      this.result = {
        status,
        value: Number(buf.readBigInt64LE(8)),
        siCode: Number(buf.readBigInt64LE(16)),
        siAddr: BigInt.asUintN(64, buf.readBigInt64LE(24)),
      };
      this.outstanding = false;
    }
  }

  /** The child runs: fork returned its pid (or it said hello first). */
  started(pid: number): void {
    if (this.pid) return;
    this.pid = pid;
    this.wchanFile = new ProcFile(`/proc/${pid}/task/${pid}/wchan`, true);
    this.statusFile = new ProcFile(`/proc/${pid}/task/${pid}/status`, true);
  }

  get busy(): boolean {
    return this.outstanding;
  }

  /** Readable when the child has written a result. */
  get resultFd(): number {
    return this.pipes.res;
  }

  /** Sends a command (a touch, or a memory call with its arguments); false when the child is gone. */
  post(cmd: keyof typeof ChildCmd, args: readonly bigint[]): boolean {
    const buf = Buffer.alloc(CHILD_CMD_SIZE);
    buf.writeBigInt64LE(ChildCmd[cmd], 0);
    args.forEach((a, i) => buf.writeBigUInt64LE(BigInt.asUintN(64, a), 8 + i * 8));
    this.result = undefined;
    this.outstanding = os.write(this.pipes.cmd, buf, CHILD_CMD_SIZE) === CHILD_CMD_SIZE;
    return this.outstanding;
  }

  /** The last command's outcome once the child has sent it. */
  takeResult(): TouchOutcome | undefined {
    this.poll();
    const r = this.result;
    this.result = undefined;
    return r;
  }

  wchan(): string | undefined {
    return this.wchanFile?.read();
  }

  switches(): number | undefined {
    return voluntarySwitches(this.statusFile?.read());
  }

  /** Where the child's touch is (its copy of the helper's progress slot). */
  progress(): bigint {
    if (!this.pid) return 0n;
    if (this.memFd === undefined) {
      const fd = os.open(`/proc/${this.pid}/mem`, 0o2000000);
      if (fd < 0) return 0n;
      this.memFd = fd;
    }
    const b = Buffer.alloc(8);
    return os.pread(this.memFd, b, 8, this.progressAddr) === 8 ? b.readBigUInt64LE(0) : 0n;
  }

  /** SIGKILL and reap; the child's mm goes away. */
  async kill(): Promise<void> {
    if (this.pid && !this.reaped) {
      os.kill(this.pid, SIGKILL);
      for (let i = 0; i < 2000 && !this.reaped; i++) {
        const r = os.waitpid(this.pid, WNOHANG);
        if (typeof r === 'number' || r[0] === this.pid) this.reaped = true;
        else await new Promise((res) => setTimeout(res, 1));
      }
    }
    this.alive = false;
    this.outstanding = false;
    this.close();
  }

  close(): void {
    this.wchanFile?.close();
    this.statusFile?.close();
    if (this.memFd !== undefined) os.close(this.memFd);
    this.memFd = undefined;
    this.pipes.closeAll();
  }
}

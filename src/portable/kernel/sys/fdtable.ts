// The fds of process main, by name: the simulator numbers them from 3 up, lowest free first. A
// closed name stays known so that using it again answers EBADF.

import type { File } from '../fs/file';

export interface FdEntry {
  readonly name: string;
  readonly fd: number;
  /** null once closed. */
  file: File | null;
}

export class FdTable {
  private readonly byName = new Map<string, FdEntry>();
  private readonly open = new Map<number, FdEntry>();

  get(name: string): FdEntry | undefined {
    return this.byName.get(name);
  }

  /** The open fd with this number. */
  byNumber(fd: number): FdEntry | undefined {
    return this.open.get(fd);
  }

  /** A name for an fd made without one (through the syscall layer): `fd3`, unless that is open. */
  freeName(fd: number): string {
    let name = `fd${fd}`;
    for (let n = 2; this.byName.get(name)?.file; n++) name = `fd${fd}-${n}`;
    return name;
  }

  /** The number the next install() gives. */
  lowestFree(): number {
    let fd = 3;
    while (this.open.has(fd)) fd++;
    return fd;
  }

  /** The lowest free number from 3, as the kernel's get_unused_fd_flags() picks it. */
  install(name: string, file: File): number {
    const fd = this.lowestFree();
    const e: FdEntry = { name, fd, file };
    this.byName.set(name, e);
    this.open.set(fd, e);
    return fd;
  }

  close(e: FdEntry): void {
    e.file = null;
    this.open.delete(e.fd);
  }

  /** The open fds, by number. */
  entries(): FdEntry[] {
    return [...this.open.values()].sort((a, b) => a.fd - b.fd);
  }

  /** The open fd whose file is this one. */
  find(match: (f: File) => boolean): FdEntry | undefined {
    for (const e of this.open.values()) if (e.file && match(e.file)) return e;
    return undefined;
  }
}

// The file objects areas map: memfds (shmem), hugetlb memfds, and regular files on disk (to show
// that registering them fails). Two areas naming the same `file` map the same object: aliases.

import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './native';
import { os } from './os';
import { O_CLOEXEC, O_RDONLY } from './constants';

export type FileKind = 'memfd' | 'hugetlb' | 'file';

export interface FileObj {
  readonly name: string;
  readonly kind: FileKind;
  /** Opened read-write; `readOnlyFd` mappings use a second fd opened O_RDONLY. */
  readonly fd: number;
  roFd?: number;
  size: bigint;
  /** memfd: a never-touched read-only mapping of the whole file, whose mincore is the page cache. */
  shadow?: { readonly addr: bigint; readonly len: bigint };
}

const MFD_CLOEXEC = 1;
const MFD_HUGETLB = 4;
const TMPFS_MAGIC = 0x01021994;

/** A directory on a real file system (not tmpfs, which is shmem and would register fine). */
function diskDir(): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const dir = mkdtempSync(join(CACHE_DIR, 'files-'));
  if (statfsSync(dir).type === TMPFS_MAGIC) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('the project directory is on tmpfs: a `file` area would be shmem, not a regular file');
  }
  return dir;
}

export class Files {
  private readonly byName = new Map<string, FileObj>();
  private dir: string | undefined;

  get(name: string): FileObj | undefined {
    return this.byName.get(name);
  }

  /** Creates the named file of `size` bytes; returns it, or -errno. */
  create(name: string, kind: FileKind, size: bigint): FileObj | number {
    let fd: number;
    if (kind === 'file') {
      this.dir ??= diskDir();
      try {
        fd = openSync(join(this.dir, encodeURIComponent(name)), 'w+');
      } catch (e) {
        return -((e as NodeJS.ErrnoException).errno ?? 5);
      }
    } else {
      fd = os.memfdCreate(name, MFD_CLOEXEC | (kind === 'hugetlb' ? MFD_HUGETLB : 0));
      if (fd < 0) return fd;
    }
    const r = os.ftruncate(fd, size);
    if (r < 0) {
      os.close(fd);
      return r;
    }
    const f: FileObj = { name, kind, fd, size };
    this.byName.set(name, f);
    return f;
  }

  resize(f: FileObj, size: bigint): number {
    const r = os.ftruncate(f.fd, size);
    if (r === 0) f.size = size;
    return r;
  }

  /** An fd of the same file opened O_RDONLY (a MAP_SHARED mapping of it has no VM_MAYWRITE). */
  readOnly(f: FileObj): number {
    if (f.roFd === undefined) {
      const fd = os.open(`/proc/self/fd/${f.fd}`, O_RDONLY | O_CLOEXEC);
      if (fd < 0) return fd;
      f.roFd = fd;
    }
    return f.roFd;
  }

  all(): FileObj[] {
    return [...this.byName.values()];
  }

  closeAll(): void {
    for (const f of this.byName.values()) {
      if (f.shadow) os.munmap(f.shadow.addr, f.shadow.len);
      if (f.roFd !== undefined) os.close(f.roFd);
      if (f.kind === 'file') closeSync(f.fd);
      else os.close(f.fd);
    }
    this.byName.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

// The session's named areas. An area keeps its name and the range it was created with; what is
// mapped there now comes from the vmas. A forked child has its own copy of each of its parent's
// areas, under the same name (the scenarios write them `c:a+1p`).

import type { AreaKind, Prot } from '../../model/operation';
import type { Inode } from '../mm/filemap';

export interface Area {
  readonly name: string;
  readonly process: string;
  readonly kind: AreaKind;
  readonly shared: boolean;
  readonly prot: readonly Prot[];
  readonly start: number;
  readonly len: number;
  /** 4096, or 2 MiB for hugetlb. */
  readonly pageSize: number;
  readonly file: Inode | null;
}

export class Areas {
  readonly list: Area[] = [];

  add(a: Area): void {
    this.list.push(a);
  }

  /** The start of the area with this name (the same in every process that has it). */
  start(name: string): bigint | undefined {
    const a = this.list.find((x) => x.name === name);
    return a ? BigInt(a.start) : undefined;
  }

  has(name: string, process: string): boolean {
    return this.list.some((x) => x.name === name && x.process === process);
  }

  of(process: string): Area[] {
    return this.list.filter((a) => a.process === process);
  }
}

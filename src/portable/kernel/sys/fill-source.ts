// UFFDIO_COPY's `src: {fill}`: the backend's own source buffer `$src` (private anonymous, read-write),
// placed on first use at max(2 MiB, len) rounded up to 2 MiB, placed again larger when a copy needs
// more, and filled with the byte over the copy's length just before the copy.

import { FILL_SOURCE_AREA, alignUp } from '../../model/layout';
import { MAIN_PROCESS } from '../../model/operation';
import type { FieldValue } from '../../uapi/structs';
import { anonVmaPrepare } from '../mm/memory';
import { doMunmap, mmapRegion } from '../mm/mmap';
import { HPAGE_SIZE, PAGE_SIZE } from '../mm/page';
import { PTE } from '../mm/pgtable';
import { VM, vmaLookup } from '../mm/vma';
import { UsageFailure, type Session } from './session';

const LIMIT = 1 << 30;

/** The fill source's address, holding `byte` over its first `len` bytes. */
export function fillSource(s: Session, byte: number, lenValue: FieldValue): number {
  const len = BigInt(lenValue);
  if (len > BigInt(LIMIT)) throw new UsageFailure('a fill source holds at most 1 GiB', 'arg.len');
  const n = Number(len);
  const need = Number(alignUp(BigInt(Math.max(HPAGE_SIZE, n)), BigInt(HPAGE_SIZE)));
  const mm = s.k.main.mm;
  const list = s.areas.list;
  const i = list.findIndex((a) => a.name === FILL_SOURCE_AREA && a.process === MAIN_PROCESS);
  let area = list[i];
  if (!area || area.len < need) {
    if (area) {
      doMunmap(s.k, mm, area.start, area.len, []);
      list.splice(i, 1);
    }
    const start = Number(s.placer.place(BigInt(need)));
    mmapRegion(mm, { start, len: need, flags: VM.READ | VM.WRITE | VM.MAYWRITE, file: null, pgoff: 0 });
    area = {
      name: FILL_SOURCE_AREA,
      process: MAIN_PROCESS,
      kind: 'anon',
      shared: false,
      prot: ['PROT_READ', 'PROT_WRITE'],
      start,
      len: need,
      pageSize: PAGE_SIZE,
      file: null,
    };
    s.areas.add(area);
  }
  const vma = vmaLookup(mm, area.start);
  if (vma) anonVmaPrepare(s.k, vma);
  const pages = s.k.pages;
  for (let off = 0; off < n; off += PAGE_SIZE) {
    const pn = (area.start + off) / PAGE_SIZE;
    const bits = mm.pt.bits(pn);
    const size = Math.min(PAGE_SIZE, n - off);
    if ((bits & (PTE.PRESENT | PTE.EXCL | PTE.WRITE)) === (PTE.PRESENT | PTE.EXCL | PTE.WRITE)) {
      pages.write(mm.pt.page(pn), 0, size, byte);
      continue;
    }
    if (bits & PTE.PRESENT && !(bits & PTE.ZERO)) pages.put(mm.pt.page(pn));
    const page = pages.alloc(size === PAGE_SIZE ? byte : 0);
    if (size < PAGE_SIZE) pages.write(page, 0, size, byte);
    mm.pt.set(pn, PTE.PRESENT | PTE.EXCL | PTE.WRITE, page);
  }
  return area.start;
}

// The snapshot parts of an expectation: page states and contents by address (runs of pages with
// the same mismatch reported once), and the registered ranges.

import { runs } from '../diff/runs';
import type { Expr } from '../model/expr';
import { pageStateName, type AreaSnapshot, type Snapshot } from '../model/snapshot';
import { IOCTL_BY_NAME } from '../uapi/names';
import type { FieldLayout } from '../uapi/structs';
import type { Expectation, RegistrationExpectation } from './format';
import { parsePageKey } from './page-key';
import { formatAddress, formatField, type ValueNames } from './values';

export type Miss = (field: string, expected: unknown, actual: unknown) => void;

function areaAt(snap: Snapshot, process: string, addr: bigint): AreaSnapshot | undefined {
  return snap.areas.find((a) => a.process === process && addr >= a.start && addr < a.start + a.len);
}

export function checkPages(
  key: string,
  p: NonNullable<Expectation['pages']>[string],
  snap: Snapshot,
  value: (e: Expr) => bigint,
  names: ValueNames,
  miss: Miss,
) {
  const k = parsePageKey(key);
  const want = typeof p === 'string' ? { state: p } : p;
  const from = value(k.from);
  const to = k.to === undefined ? undefined : value(k.to);
  const prefix = k.process === 'main' ? '' : `${k.process}:`;
  const seen: { addr: bigint; end: bigint; state: string; content: string }[] = [];
  let addr = from;
  do {
    const area = areaAt(snap, k.process, addr);
    const unit = BigInt(area?.pageSize ?? snap.pageSize);
    const index = area ? Number((addr - area.start) / unit) : -1;
    const end = area ? area.start + BigInt(index + 1) * unit : addr + unit;
    seen.push({
      addr,
      end,
      state: pageStateName(area ? (area.pages[index] ?? 0) : 0),
      content: (area && area.content.get(index)) ?? 'none',
    });
    addr = end;
  } while (to !== undefined && addr < to);
  // Consecutive pages with the same mismatch are reported once, as a range [first, end).
  for (const [field, expected] of [
    ['', want.state],
    ['.content', want.content],
  ] as const) {
    if (expected === undefined) continue;
    const actual = (i: number) => (field === '' ? seen[i]!.state : seen[i]!.content);
    for (const r of runs(seen.length, (i) => (actual(i) === expected ? undefined : actual(i)))) {
      const first = formatAddress(seen[r.from]!.addr, names);
      const where = r.from === r.to ? first : `${first}..${formatAddress(seen[r.to]!.end, names)}`;
      miss(`pages[${prefix}${where}]${field}`, expected, r.key);
    }
  }
}

export function checkRegistrations(
  want: readonly RegistrationExpectation[],
  snap: Snapshot,
  value: (e: Expr | readonly Expr[], role?: FieldLayout['role']) => bigint,
  names: ValueNames,
  miss: Miss,
) {
  const procs = new Set(want.map((r) => r.process ?? 'main'));
  if (procs.size === 0) procs.add('main');
  const line = (p: string, start: bigint, end: bigint, mode: bigint, uffd?: string) =>
    `${p === 'main' ? '' : `${p}:`}${formatAddress(start, names)}..${formatAddress(end, names)} ${formatField({ role: 'mode' }, mode, { ...names, modes: IOCTL_BY_NAME.get('UFFDIO_REGISTER')?.modes })}${uffd ? ` ${uffd}` : ''}`;
  const expected = want.map((r) => {
    const start = value(r.start);
    return line(r.process ?? 'main', start, start + value(r.len), value(r.mode, 'mode'), r.uffd);
  });
  // Which uffd holds a range is checked when the expectation names it (on every entry).
  const showUffd = want.some((r) => r.uffd !== undefined);
  const actual = snap.registrations
    .filter((r) => procs.has(r.process))
    .sort((a, b) => (a.process === b.process ? (a.start < b.start ? -1 : 1) : a.process < b.process ? -1 : 1))
    .map((r) => line(r.process, r.start, r.end, r.mode, showUffd ? r.uffd : undefined));
  if (expected.join(', ') !== actual.join(', '))
    miss('registrations', expected.join(', ') || 'none', actual.join(', ') || 'none');
}

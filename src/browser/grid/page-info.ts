// Everything the grid can say about one page: for the hover card, the selection inspector and the
// screen reader's announcement.

import { relativeAddress } from '../../portable/console/address';
import { pageStateName, type AreaSnapshot, type Snapshot } from '../../portable/model/snapshot';
import { REGISTER_MODES, flagNames } from '../../portable/uapi/names';
import { areaKey, shownAreas, STATE_LABEL } from './scene';

export interface PageInfo {
  readonly key: string;
  readonly page: number;
  readonly area: AreaSnapshot;
  readonly address: bigint;
  /** `a+3p` (huge pages: `h+1h`). */
  readonly relative: string;
  readonly state: string;
  readonly content?: string;
  /** `MISSING|WP on uffd`, if registered. */
  readonly registration?: string;
  /** Threads blocked in a fault on this page. */
  readonly blocked: readonly string[];
}

export function pageInfo(snap: Snapshot, key: string, page: number): PageInfo | undefined {
  const area = shownAreas(snap).find((a) => areaKey(a) === key);
  if (!area || page < 0 || page >= area.pages.length) return undefined;
  const size = BigInt(area.pageSize);
  const address = area.start + BigInt(page) * size;
  const reg = snap.registrations.find(
    (r) => r.process === area.process && address >= r.start && address < r.end,
  );
  const blocked = snap.threads
    .filter((t) => t.state === 'blocked-fault' && t.process === area.process && t.address !== undefined)
    .filter((t) => t.address! >= address && t.address! < address + size)
    .map((t) => t.name);
  const content = area.content.get(page);
  const modes = reg
    ? flagNames(reg.mode, REGISTER_MODES).map((m) => m.replace('UFFDIO_REGISTER_MODE_', ''))
    : [];
  return {
    key,
    page,
    area,
    address,
    relative: relativeAddress(address, [area], snap.pageSize),
    state: STATE_LABEL[pageStateName(area.pages[page] ?? 0)],
    ...(content !== undefined ? { content } : {}),
    ...(reg ? { registration: `${modes.join('|') || 'no mode'} on ${reg.uffd}` } : {}),
    blocked,
  };
}

/** One sentence for a screen reader. */
export function describePage(info: PageInfo): string {
  const parts = [`${info.relative}, 0x${info.address.toString(16)}: ${info.state}`];
  if (info.content) parts.push(`content ${info.content}`);
  parts.push(info.registration ? `registered ${info.registration}` : 'not registered');
  if (info.blocked.length) parts.push(`${info.blocked.join(', ')} blocked here`);
  return parts.join('; ');
}

import { describe, expect, it } from 'vitest';
import { PAGE } from '../../portable/model/snapshot';
import { area, BASE, P, snapshot, thread } from '../../portable/testing/fixtures';
import { describePage, pageInfo } from './page-info';

describe('what the grid says about a page', () => {
  const snap = snapshot({
    areas: [area({ name: 'a', pages: 4, bits: { 1: PAGE.MAPPED | PAGE.PRESENT }, content: { 1: '41' } })],
    registrations: [{ process: 'main', start: BASE, end: BASE + 4n * P, uffd: 'uffd', mode: 3n }],
    threads: [thread({ name: 'T1', state: 'blocked-fault', address: BASE + 2n * P + 5n })],
  });

  it('gives address, state, content, registration and who waits there', () => {
    expect(pageInfo(snap, 'a', 1)).toMatchObject({
      relative: 'a+1p',
      state: 'present',
      content: '41',
      registration: 'MISSING|WP on uffd',
      blocked: [],
    });
    const waited = pageInfo(snap, 'a', 2)!;
    expect(waited.blocked).toEqual(['T1']);
    expect(describePage(waited)).toBe(
      `a+2p, 0x${(BASE + 2n * P).toString(16)}: missing; registered MISSING|WP on uffd; T1 blocked here`,
    );
    expect(pageInfo(snap, 'a', 4)).toBeUndefined();
    expect(pageInfo(snap, 'b', 0)).toBeUndefined();
  });
});

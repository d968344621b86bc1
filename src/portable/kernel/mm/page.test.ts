// The page store keeps content sparsely; its tags must be exactly what contentTag() makes of the
// page's bytes, whatever was written where.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentTag } from '../../model/content';
import { PageStore } from './page';

describe('PageStore', () => {
  it('tags a page as contentTag() tags its bytes, after any writes', () => {
    const write = fc.record({
      offset: fc.integer({ min: 0, max: 4095 }),
      len: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4096 })),
      value: fc.oneof(fc.constantFrom(0, 1, 0x41), fc.integer({ min: 0, max: 255 })),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.array(write, { maxLength: 12 }), (fill, writes) => {
        const store = new PageStore();
        const id = store.alloc(fill);
        const bytes = new Uint8Array(4096).fill(fill);
        for (const w of writes) {
          const len = Math.min(w.len, 4096 - w.offset);
          store.write(id, w.offset, len, w.value);
          bytes.fill(w.value, w.offset, w.offset + len);
        }
        expect(store.tag(id)).toBe(contentTag(bytes));
        expect(store.readByte(id, writes[0]?.offset ?? 0)).toBe(bytes[writes[0]?.offset ?? 0]);
      }),
      { numRuns: 300 },
    );
  });

  it('copies content, frees at the last reference and reuses the id', () => {
    const store = new PageStore();
    const a = store.alloc(7);
    store.write(a, 3, 1, 9);
    const b = store.copy(a);
    expect(store.tag(b)).toBe('07 @3=09');
    store.get(b);
    store.put(b);
    expect(store.count).toBe(2);
    store.put(b);
    expect(store.count).toBe(1);
    expect(store.alloc(0)).toBe(b);
    expect(store.tag(b)).toBe('00');
  });

  it('rebuilds a page from bytes that do not line up (an unaligned copy)', () => {
    const store = new PageStore();
    const id = store.alloc();
    const bytes = new Uint8Array(4096).fill(0x22);
    bytes.fill(0x11, 0, 0x800);
    bytes[5] = 0;
    store.setBytes(id, bytes);
    expect(store.tag(id)).toBe(contentTag(bytes));
  });
});

import { describe, expect, it } from 'vitest';
import { contentTag, fillTag } from './content';

describe('content tags', () => {
  it('is the fill byte for a uniform page', () => {
    expect(contentTag(new Uint8Array(4096).fill(0x41))).toBe('41');
    expect(fillTag(0x100 + 7)).toBe('07');
  });

  it('lists each byte that differs from the most frequent one, offsets ascending', () => {
    const page = new Uint8Array(4096);
    page[0x7b] = 1;
    page[0] = 0xff;
    expect(contentTag(page)).toBe('00 @0=ff @7b=01');
  });

  it('takes the smaller byte on a tie', () => {
    expect(contentTag(new Uint8Array([2, 2, 1, 1]))).toBe('01 @0=02 @1=02');
  });
});

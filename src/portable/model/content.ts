// The content tag of a page (AreaSnapshot.content): its fill byte as two hex digits, then each
// byte that differs as ` @offset=xx`, offsets in hex, ascending: `41`, `00 @7b=01`.
// The fill byte is the most frequent one (the smaller on a tie), so a page written in a few
// places reads as what it mostly is.

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

export function contentTag(page: Uint8Array): string {
  const counts = new Uint32Array(256);
  for (const b of page) counts[b]!++;
  let fill = 0;
  for (let b = 1; b < 256; b++) if (counts[b]! > counts[fill]!) fill = b;
  if (counts[fill] === page.length) return hex2(fill);
  const parts = [hex2(fill)];
  for (let i = 0; i < page.length; i++) {
    if (page[i] !== fill) parts.push(`@${i.toString(16)}=${hex2(page[i]!)}`);
  }
  return parts.join(' ');
}

/** The tag of a page holding `fill` in every byte. */
export const fillTag = (fill: number): string => hex2(fill & 0xff);

// Consecutive indices with the same key, as runs: how a range of pages with the same state or the
// same difference is reported once (`a..a+512p`) rather than page by page.

export interface Run {
  readonly from: number;
  /** Inclusive. */
  readonly to: number;
  readonly key: string;
}

/** The runs of equal keys over [0, n); an index whose key is undefined is in no run. */
export function runs(n: number, key: (i: number) => string | undefined): Run[] {
  const out: Run[] = [];
  let cur: { from: number; to: number; key: string } | undefined;
  for (let i = 0; i < n; i++) {
    const k = key(i);
    if (k !== undefined && cur && cur.key === k && cur.to === i - 1) {
      cur.to = i;
      continue;
    }
    if (cur) out.push(cur);
    cur = k === undefined ? undefined : { from: i, to: i, key: k };
  }
  if (cur) out.push(cur);
  return out;
}

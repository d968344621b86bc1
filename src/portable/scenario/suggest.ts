// "did you mean" for misspelt names: the closest candidate by edit distance, if it is close enough.

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + cost);
      diag = up;
    }
  }
  return row[b.length]!;
}

/**
 * The closest candidate: the same word in another case, then one the word begins (`blocked` ->
 * `blocked-fault`) or whose last dotted part it shares (`arg.pagefault.ptid` -> `...feat.ptid`),
 * then the nearest within a third of the word's length (at least 2 edits); or undefined.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const lower = word.toLowerCase();
  const last = word.slice(word.lastIndexOf('.') + 1);
  const shape = list.find(
    (c) =>
      c !== word &&
      (c.toLowerCase() === lower ||
        (word.length >= 3 && c.startsWith(word)) ||
        (word.includes('.') && c.endsWith(`.${last}`))),
  );
  if (shape !== undefined) return shape;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3));
  for (const c of list) {
    const d = distance(word, c);
    if (d > 0 && d <= bestD && (best === undefined || d < bestD)) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** ` — did you mean 'x'?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` — did you mean '${c}'?`;
}

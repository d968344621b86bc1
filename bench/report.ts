// How benchmark modules print: one line a figure, with the target and whether this run met it.
// Figures come from one run on a shared machine: read them as indications, not as pass/fail tests.

export interface Figure {
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  /** The target, if there is one, and which side of it is good. */
  readonly target?: { readonly value: number; readonly better: 'higher' | 'lower' };
}

export interface BenchModule {
  readonly name: string;
  /** Why the module cannot run here (no compiler, not Linux...), or undefined. */
  unavailable?(): Promise<string | undefined>;
  run(): Promise<readonly Figure[]>;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString();

export function formatFigure(f: Figure): string {
  let line = `  ${f.what}: ${fmt(f.value)} ${f.unit}`;
  if (f.target) {
    const { value, better } = f.target;
    const ratio = better === 'higher' ? f.value / value : value / f.value;
    const met = better === 'higher' ? f.value >= value : f.value <= value;
    line += `  (target ${better === 'higher' ? '≥' : '≤'} ${fmt(value)} ${f.unit}: ${met ? 'met' : 'NOT met'}, ${fmt(ratio)}× the target)`;
  }
  return line;
}

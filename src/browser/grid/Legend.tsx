// What the grid's colours and glyphs mean. Each state shows its glyph in its colour, so the legend
// reads the same without colour.

import type { PageStateName } from '../../portable/model/snapshot';
import { GLYPH, STATE_LABEL } from './scene';

const ORDER: PageStateName[] = [
  'missing',
  'present',
  'zero',
  'write-protected',
  'cache-only',
  'poisoned',
  'not-mapped',
];

export function Legend() {
  return (
    <ul className="legend" aria-label="Legend" data-testid="grid.legend">
      {ORDER.map((s) => (
        <li key={s}>
          <span className={`swatch swatch-${s}`} aria-hidden="true">
            {GLYPH[s]}
          </span>
          {STATE_LABEL[s]}
        </li>
      ))}
      <li>
        <span className="swatch swatch-registered" aria-hidden="true" />
        registered range
      </li>
      <li>
        <span className="swatch swatch-blocked" aria-hidden="true" />
        thread blocked here
      </li>
      <li>
        <span className="swatch swatch-selected" aria-hidden="true" />
        target
      </li>
    </ul>
  );
}

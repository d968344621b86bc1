// Every file of the scenario library parses and validates, and says what a teacher needs.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario } from '../../portable/scenario/parse';

const DIR = resolve(import.meta.dirname, '../../../scenarios');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('the scenario library', () => {
  it('has scenarios', () => {
    expect(FILES.length).toBeGreaterThan(50);
  });

  it.each(FILES)('%s parses, validates and narrates every step', (file) => {
    const r = parseScenario(readFileSync(join(DIR, file), 'utf8'));
    expect(r.ok ? [] : r.errors.map((e) => formatScenarioError(e, file))).toEqual([]);
    if (!r.ok) return;
    expect(r.scenario.description?.length ?? 0).toBeGreaterThan(40);
    expect(r.scenario.steps.filter((s) => !s.say?.trim()).map((s) => s.op)).toEqual([]);
    const huge = r.scenario.steps.some((s) => s.op === 'mmap' && s.kind === 'hugetlb');
    if (huge) expect(r.scenario.requires?.hugePages ?? 0).toBeGreaterThan(0);
  });
});

// The wire schema (valibot, for what arrives from the network) and the scenario validator's field
// table describe the same operations twice, each in the form its checker needs: they must agree
// on every operation, every field, and which fields are required.

import { describe, expect, it } from 'vitest';
import { OP_NAMES } from '../model/operation';
import { OP_FIELDS } from '../scenario/op-schema';
import { operationSchema } from './operation-schema';

interface ObjectSchema {
  readonly entries: Readonly<Record<string, { readonly type: string }>>;
}

const wireFields = (op: string): Record<string, 'required' | 'optional'> => {
  const variant = (operationSchema as unknown as { options: readonly ObjectSchema[] }).options.find(
    (o) => (o.entries.op as unknown as { literal: string }).literal === op,
  );
  if (!variant) return {};
  return Object.fromEntries(
    Object.entries(variant.entries)
      .filter(([k]) => k !== 'op')
      .map(([k, s]) => [k, s.type === 'optional' ? 'optional' : 'required']),
  );
};

describe('the operation schemas agree', () => {
  it.each([...OP_NAMES])('%s has the same fields, required alike, on the wire and in scenarios', (op) => {
    const scenario = Object.fromEntries(
      Object.entries(OP_FIELDS[op]).map(([k, f]) => [k, f.required ? 'required' : 'optional']),
    );
    expect(wireFields(op)).toEqual(scenario);
  });
});

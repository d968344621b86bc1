// What names a scenario has defined by a given step (areas, fds, threads, processes, files), and
// the checks of expressions against them. Shared by the step and the expectation validators.

import { evalExpr, ExprError, type Expr } from '../model/expr';
import { MAIN_PROCESS, MAIN_THREAD } from '../model/operation';
import { exprContext } from '../model/resolve';
import type { FlagInfo } from '../uapi/names';
import type { FieldRole } from '../uapi/structs';
import { constantValue } from './constants';

/** Placeholder start for a defined area: expressions only need to evaluate, not to mean anything. */
const SOME_AREA = 0x100000000000n;

export class Scope {
  readonly areas = new Set<string>();
  readonly fds = new Set<string>();
  readonly threads = new Set<string>([MAIN_THREAD]);
  readonly processes = new Set<string>([MAIN_PROCESS]);
  readonly files = new Set<string>();
  /** Where each area and fd is first defined (1-based step), to explain a name used too early. */
  readonly definedAt = new Map<string, number>();

  /**
   * An error message for an expression, or undefined when it evaluates. `table` adds the short
   * names the engines' resolver accepts for a field (`MISSING` for a register mode).
   */
  checkExpr(value: unknown, role?: FieldRole, table?: readonly FlagInfo[]): string | undefined {
    if (typeof value !== 'string' && typeof value !== 'number') {
      return `expected an expression (a number or a string like "a+1p"), got ${describeJson(value)}`;
    }
    const env = {
      pageSize: 4096,
      hugePageSize: 2 << 20,
      areaStart: (n: string) => (this.areas.has(n) ? SOME_AREA : undefined),
    };
    const resolver = exprContext(env, table);
    try {
      evalExpr(value as Expr, { ...env, constant: (n) => constantValue(n, role) ?? resolver.constant?.(n) });
      return undefined;
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      const unknown = /^unknown name '(.*)'$/.exec(e.message)?.[1];
      const later = unknown === undefined ? undefined : this.definedAt.get(unknown);
      const hint = later === undefined ? '' : ` (it is defined only at step ${later})`;
      return typeof value === 'string' && e.message.startsWith('unknown name')
        ? `${e.message}${hint}`
        : `${e.message} in '${String(value)}'`;
    }
  }

  /** A mask: one expression, or a list of them. */
  checkMask(value: unknown, role?: FieldRole, table?: readonly FlagInfo[]): string | undefined {
    if (Array.isArray(value)) {
      for (const v of value) {
        const e = this.checkExpr(v, role, table);
        if (e) return e;
      }
      return undefined;
    }
    return this.checkExpr(value, role, table);
  }
}

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string "${v}"`;
  return `${typeof v} ${String(v)}`;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A name for something the scenario creates: letters, digits and `_`, not starting with a digit. */
export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

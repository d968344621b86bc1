// An ioctl's struct as a scenario writes it: nested (`{range: {start}}`) or by C member path
// (`{"range.start": ...}`), flattened to member paths. COPY's `src` may be `{fill: byte}`.

import { IOCTL_BY_NAME, IOCTL_BY_REQUEST, type IoctlInfo } from '../uapi/names';
import { STRUCTS, type StructLayout } from '../uapi/structs';
import { USERFAULTFD_IOC_NEW } from '../uapi/userfaultfd';
import { isPlainObject } from './scope';

export interface FlatField {
  /** C member path, e.g. `range.start`. */
  readonly name: string;
  readonly value: unknown;
  /** The JSON path below `arg`. */
  readonly path: readonly string[];
}

/** Flattens nested objects into member paths; a `{fill}` object at a leaf is kept as the value. */
export function flattenStructArg(arg: Record<string, unknown>, layout: StructLayout): FlatField[] {
  const names = new Set(layout.fields.map((f) => f.name));
  const out: FlatField[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string, path: readonly string[]) => {
    for (const [key, value] of Object.entries(obj)) {
      const name = prefix + key;
      if (isPlainObject(value) && !names.has(name)) walk(value, `${name}.`, [...path, key]);
      else out.push({ name, value, path: [...path, key] });
    }
  };
  walk(arg, '', []);
  return out;
}

export type RequestInfo =
  | { readonly kind: 'struct'; readonly ioctl: IoctlInfo; readonly layout: StructLayout }
  | { readonly kind: 'ioc-new' }
  | { readonly kind: 'raw'; readonly request: number };

/** What a step's `request` names; undefined for a name that is no ioctl. */
export function requestInfo(request: unknown): RequestInfo | undefined {
  if (request === 'USERFAULTFD_IOC_NEW' || request === USERFAULTFD_IOC_NEW) return { kind: 'ioc-new' };
  const ioctl =
    typeof request === 'string'
      ? IOCTL_BY_NAME.get(request)
      : typeof request === 'number'
        ? IOCTL_BY_REQUEST.get(request)
        : undefined;
  if (ioctl) return { kind: 'struct', ioctl, layout: STRUCTS[ioctl.struct] };
  if (typeof request === 'number' && Number.isInteger(request) && request >= 0 && request <= 0xffffffff) {
    return { kind: 'raw', request };
  }
  return undefined;
}

/** `{fill: byte}` as COPY's source. */
export const isFill = (v: unknown): v is { fill: number } =>
  isPlainObject(v) && Object.keys(v).length === 1 && 'fill' in v;

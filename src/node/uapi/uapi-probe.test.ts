// The uapi module against what a C probe, compiled here against the installed kernel headers, prints.
// Constants newer than the installed header (it may be older than the running kernel) are listed
// rather than silently passed; the differential tests check those against the running kernel.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as U from '../../portable/uapi';

const dir = mkdtempSync(join(tmpdir(), 'uffd-uapi-'));
let printed = new Map<string, bigint>();

beforeAll(() => {
  const exe = join(dir, 'probe');
  execFileSync('cc', ['-O0', '-o', exe, join(import.meta.dirname, 'probe-uapi.c')]);
  printed = new Map(
    execFileSync(exe, { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => {
        const [k, v] = line.split(' ');
        return [k!, BigInt(v!)];
      }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ours(key: string): bigint {
  const size = /^sizeof\.(\w+)$/.exec(key);
  if (size) return BigInt(U.STRUCT_SIZE[size[1] as keyof typeof U.STRUCT_SIZE]);
  const off = /^offsetof\.(\w+)\.(.+)$/.exec(key);
  if (off) {
    const [, struct, field] = off;
    const fields =
      struct === 'uffd_msg' ? U.msgFields(eventOf(field!)) : U.STRUCTS[struct as U.StructName].fields;
    const f = fields.find((f) => f.name === field || f.name.endsWith(`.${field}`));
    if (!f) throw new Error(`no field ${key}`);
    return BigInt(f.offset);
  }
  const v = (U as unknown as Record<string, number | bigint>)[key];
  if (v === undefined) throw new Error(`src/portable/uapi has no ${key}`);
  return BigInt(v);
}

function eventOf(field: string): number {
  if (field.startsWith('arg.pagefault')) return U.UFFD_EVENT_PAGEFAULT;
  if (field.startsWith('arg.fork')) return U.UFFD_EVENT_FORK;
  if (field.startsWith('arg.remap')) return U.UFFD_EVENT_REMAP;
  return U.UFFD_EVENT_REMOVE;
}

// Masks that OR every feature/ioctl the header knows: they grow with each kernel release.
const AGGREGATES = ['UFFD_API_FEATURES', 'UFFD_API_RANGE_IOCTLS', 'UFFD_API_RANGE_IOCTLS_BASIC'];

describe('uapi against the C compiler and the installed <linux/userfaultfd.h>', () => {
  it('agrees on every size, offset and constant the header has', () => {
    expect(printed.size).toBeGreaterThan(60);
    const diffs = [...printed]
      .filter(([k]) => !AGGREGATES.includes(k))
      .filter(([k, v]) => ours(k) !== v)
      .map(([k, v]) => `${k}: C ${v}, ours ${ours(k)}`);
    expect(diffs).toEqual([]);
  });

  it('says which newer constants the installed header lacks', () => {
    const newer = ['UFFDIO_POISON', 'UFFDIO_MOVE', 'UFFD_FEATURE_WP_ASYNC', 'UFFD_FEATURE_WP_UNPOPULATED'];
    const missing = newer.filter((k) => !printed.has(k));
    // Informational: the header on these machines is 6.1; the kernel is newer.
    console.info(missing.length ? `header lacks: ${missing.join(', ')}` : 'header has every constant');
    expect(missing.every((k) => newer.includes(k))).toBe(true);
    // The aggregate masks differ by header age, so they are compared only when the header is current.
    if (printed.has('UFFDIO_MOVE')) for (const k of AGGREGATES) expect(printed.get(k), k).toBe(ours(k));
  });
});

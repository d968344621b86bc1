// The byte images a result carries are the shared encoders' images: the scratch-view shortcuts
// (64-bit fields written from numbers, the image after rewriting only changed fields) change nothing.

import { describe, expect, it } from 'vitest';
import { decodeMsg, encodeMsg } from '../../uapi/msg';
import { UFFD_EVENT_PAGEFAULT, UFFD_EVENT_REMAP, UFFD_EVENT_REMOVE } from '../../uapi/userfaultfd';
import { encodeStruct, STRUCTS, type StructValues } from '../../uapi/structs';
import { structInOut, uffdMsgs } from './views';

describe('result byte views', () => {
  it('encode a struct before and after as encodeStruct does, signed results included', () => {
    const l = STRUCTS.uffdio_copy;
    const before: StructValues = {
      dst: 0x100000001000n,
      src: 0x100000600000n,
      len: 4096n,
      mode: 0n,
      copy: 0n,
    };
    for (const copy of [4096n, -17n, -11n, 0n]) {
      const after = { ...before, copy };
      const r = structInOut(l, before, after);
      expect([...r.beforeBytes]).toEqual([...encodeStruct(l, before)]);
      expect([...r.afterBytes]).toEqual([...encodeStruct(l, after)]);
    }
    const partial = structInOut(l, { dst: 1n, len: 2n }, { dst: 1n });
    expect([...partial.afterBytes]).toEqual([...encodeStruct(l, { dst: 1n })]);
    expect(partial.beforeBytes.buffer).not.toBe(partial.afterBytes.buffer);
  });

  it('encode messages from numbers as encodeMsg does, and decode back to the same fields', () => {
    const raw: { event: number; fields: Record<string, number> }[] = [
      {
        event: UFFD_EVENT_PAGEFAULT,
        fields: {
          'arg.pagefault.flags': 1,
          'arg.pagefault.address': 0x100000001000,
          'arg.pagefault.feat.ptid': 1001,
        },
      },
      {
        event: UFFD_EVENT_REMOVE,
        fields: { 'arg.remove.start': 0x1fffffffffffff, 'arg.remove.end': 2 ** 52 },
      },
      {
        event: UFFD_EVENT_REMAP,
        fields: { 'arg.remap.from': 4096, 'arg.remap.to': 8192, 'arg.remap.len': 4096 },
      },
    ];
    const msgs = uffdMsgs(raw);
    msgs.forEach((m, i) => {
      const want = encodeMsg(
        raw[i]!.event,
        Object.fromEntries(Object.entries(raw[i]!.fields).map(([k, v]) => [k, BigInt(v)])),
      );
      expect([...m.bytes]).toEqual([...want]);
      expect(decodeMsg(m.bytes).fields).toEqual(m.fields);
    });
    expect(msgs[0]!.bytes.buffer).not.toBe(msgs[1]!.bytes.buffer);
  });
});

// A Result's struct and messages are what uapi's decoders make of the same bytes: the shortcuts
// (no DataView, unchanged fields keep their values) change nothing a user sees.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMsgs, UFFD_MSG_SIZE } from '../../uapi/msg';
import { decodeStruct, STRUCTS, type StructName } from '../../uapi/structs';
import {
  UFFD_EVENT_FORK,
  UFFD_EVENT_PAGEFAULT,
  UFFD_EVENT_REMAP,
  UFFD_EVENT_REMOVE,
} from '../../uapi/userfaultfd';
import { msgsOf, structAfter } from './views';

const names = Object.keys(STRUCTS) as StructName[];

describe('result views', () => {
  it('decode a struct after a call as decodeStruct does, changed fields or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.uint8Array({ minLength: 40, maxLength: 40 }),
        fc.nat(39),
        (name, bytes, flip) => {
          const layout = STRUCTS[name];
          const before = bytes.slice(0, layout.size);
          const after = before.slice();
          if (flip < layout.size) after[flip] = after[flip]! ^ 0xff;
          expect(structAfter(layout, decodeStruct(layout, before), before, after)).toEqual(
            decodeStruct(layout, after),
          );
        },
      ),
    );
  });

  it('decode messages as decodeMsgs does, for every event and unknown ones', () => {
    const events = [UFFD_EVENT_PAGEFAULT, UFFD_EVENT_FORK, UFFD_EVENT_REMAP, UFFD_EVENT_REMOVE, 0x16, 0x42];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...events), fc.uint8Array({ minLength: 31, maxLength: 31 })), {
          maxLength: 3,
        }),
        (raw) => {
          const buf = new Uint8Array(raw.length * UFFD_MSG_SIZE + 5);
          raw.forEach(([event, rest], i) => {
            buf[i * UFFD_MSG_SIZE] = event;
            buf.set(rest, i * UFFD_MSG_SIZE + 1);
          });
          const len = raw.length * UFFD_MSG_SIZE;
          expect(msgsOf(buf, len)).toEqual(decodeMsgs(buf.subarray(0, len)));
        },
      ),
    );
  });
});

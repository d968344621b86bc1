// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { area, BASE, P, snapshot } from '../../portable/testing/fixtures';
import { decodeMsg, encodeMsg } from '../../portable/uapi/msg';
import { encodeStruct, STRUCTS } from '../../portable/uapi/structs';
import { UFFD_EVENT_PAGEFAULT } from '../../portable/uapi/userfaultfd';
import { render } from '../testing/render';
import { MsgView } from './MsgView';
import { StructView } from './StructView';

const snap = snapshot({ areas: [area({ name: 'a', pages: 4 })] });

describe('the struct view', () => {
  it('shows the struct in and out side by side, with what the kernel changed marked', async () => {
    const layout = STRUCTS.uffdio_register;
    const before = { 'range.start': BASE, 'range.len': 4n * P, mode: 3n, ioctls: 0n };
    const after = { ...before, ioctls: 0x17cn };
    const r = await render(
      <StructView
        io={{
          name: 'uffdio_register',
          before,
          after,
          beforeBytes: encodeStruct(layout, before),
          afterBytes: encodeStruct(layout, after),
        }}
        snapshot={snap}
      />,
    );
    const rows = r.all('monitor.field');
    expect(rows.map((x) => [x.dataset.field, x.dataset.changed])).toEqual([
      ['range.start', 'false'],
      ['range.len', 'false'],
      ['mode', 'false'],
      ['ioctls', 'true'],
    ]);
    expect(rows[0]!.textContent).toContain('a');
    expect(rows[1]!.textContent).toContain('4p');
    expect(rows[2]!.textContent).toContain('UFFDIO_REGISTER_MODE_MISSING|UFFDIO_REGISTER_MODE_WP');
    expect(rows[3]!.querySelector('[data-testid="monitor.after"]')!.textContent).toBe(
      '✱ _UFFDIO_WAKE|_UFFDIO_COPY|_UFFDIO_ZEROPAGE|_UFFDIO_MOVE|_UFFDIO_WRITEPROTECT|_UFFDIO_POISON',
    );
    // 0x17c written little-endian at offset 24: 7c 01, the two bytes that changed.
    const out = r.get('monitor.bytes-out');
    expect([...out.querySelectorAll('.byte.changed')].map((b) => b.textContent)).toEqual(['7c', '01']);
    expect(r.get('monitor.bytes-in').querySelectorAll('.byte')).toHaveLength(32);
    r.unmount();
  });
});

describe('the message view', () => {
  it('decodes a uffd_msg by field, with its 32 bytes', async () => {
    const msg = decodeMsg(
      encodeMsg(UFFD_EVENT_PAGEFAULT, {
        'arg.pagefault.flags': 3n,
        'arg.pagefault.address': BASE + P,
        'arg.pagefault.feat.ptid': 1001,
      }),
    );
    const r = await render(<MsgView msg={msg} snapshot={snap} />);
    const field = (name: string) => r.all('msg.field').find((x) => x.dataset.field === name)!.textContent;
    expect(field('event')).toContain('UFFD_EVENT_PAGEFAULT (0x12)');
    expect(field('arg.pagefault.flags')).toContain('UFFD_PAGEFAULT_FLAG_WRITE|UFFD_PAGEFAULT_FLAG_WP');
    expect(field('arg.pagefault.address')).toContain('a+1p');
    expect(field('arg.pagefault.feat.ptid')).toContain('1001');
    const bytes = [...r.get('msg.bytes').querySelectorAll('.byte')].map((b) => b.textContent);
    expect(bytes).toHaveLength(32);
    expect(bytes.slice(0, 1)).toEqual(['12']);
    expect(bytes.slice(24, 28)).toEqual(['e9', '03', '00', '00']);
    r.unmount();
  });
});

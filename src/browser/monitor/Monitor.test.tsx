// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../session/fake-engine';
import { PlaygroundProvider } from '../state/Provider';
import { createPlayground } from '../state/store';
import { ui } from '../state/ui-store';
import { click, render, settle, type } from '../testing/render';
import { Monitor } from './Monitor';

async function setup() {
  const engine = new FakeEngine();
  const pg = createPlayground({ kernel: '6.18', createEngine: () => engine });
  const r = await render(
    <PlaygroundProvider playground={pg}>
      <Monitor />
    </PlaygroundProvider>,
  );
  return { engine, pg, r };
}

describe('the monitor', () => {
  it('runs the composed call and shows what came back', async () => {
    ui.compose('UFFDIO_API');
    const { engine, r } = await setup();
    expect(r.get('monitor.preview').textContent).toBe(
      'ioctl(uffd, UFFDIO_API, {api: UFFD_API, features: 0})',
    );
    await click(r.get('monitor.flag.UFFD_FEATURE_THREAD_ID'));
    expect(r.get('monitor.preview').textContent).toContain('features: UFFD_FEATURE_THREAD_ID');
    await click(r.get('monitor.submit'));
    await settle();
    expect(engine.log).toEqual([
      {
        op: 'ioctl',
        fd: 'uffd',
        request: 'UFFDIO_API',
        arg: { api: 'UFFD_API', features: 'UFFD_FEATURE_THREAD_ID' },
      },
    ]);
    expect(r.get('monitor.call-text').textContent).toContain('UFFDIO_API');
    expect(r.get('monitor.return').textContent).toBe('= 1');
    r.unmount();
  });

  it('refuses bad input where it is, runs nothing, and keeps what was typed', async () => {
    ui.compose('UFFDIO_COPY');
    const { engine, r } = await setup();
    const dst = r.get('monitor.field.dst') as HTMLInputElement;
    await type(dst, 'a+*1p');
    expect(r.get('monitor.field-error').textContent).toBe("unexpected '*' (at column 3)");
    await click(r.get('monitor.submit'));
    await settle();
    expect(engine.log).toEqual([]);
    expect(r.get('monitor.invalid').textContent).toMatch(/^Not run: dst needs fixing/);
    expect((r.get('monitor.field.dst') as HTMLInputElement).value).toBe('a+*1p');
    r.unmount();
  });

  it('greys out what the kernel profile lacks, with the release that added it', async () => {
    ui.compose('UFFDIO_API');
    const { pg, r } = await setup();
    await pg.store.getState().actions.setKernel('5.7');
    await settle();
    const label = r.get('monitor.flag.UFFD_FEATURE_MOVE').closest('label')!;
    expect(label.className).toBe('unavailable');
    expect(label.textContent).toContain('(since 6.8)');
    const option = [...r.get('monitor.call').querySelectorAll('option')].find(
      (o) => o.value === 'UFFDIO_MOVE',
    )!;
    expect(option.textContent).toBe('UFFDIO_MOVE (since 6.8)');
    r.unmount();
  });
});

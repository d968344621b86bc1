import { Terminal } from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../session/fake-engine';
import { createPlayground } from '../state/store';
import { ConsoleController } from './controller';
import { LineEditor } from './line-editor';

/** A headless xterm and what it shows, line by line. */
function terminal() {
  const term = new Terminal({ cols: 100, rows: 40, allowProposedApi: true });
  const io = { write: (d: string) => term.write(d), clear: () => term.clear() };
  const screen = async () => {
    await new Promise<void>((r) => term.write('', r));
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)!.translateToString(true));
    return lines.filter((l) => l.trim() !== '');
  };
  return { term, io, screen };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the line editor', () => {
  it('edits a line with the cursor keys and hands it on', async () => {
    const { io, screen } = terminal();
    const lines: string[] = [];
    const ed = new LineEditor(io, {
      onLine: (l) => lines.push(l),
      complete: () => ({ start: 0, end: 0, candidates: [] }),
    });
    ed.prompt();
    ed.feed('rad');
    ed.feed('\x1b[D\x1b[De');
    expect(ed.text).toBe('read');
    ed.feed('\x7f\x1b[Cx\r');
    expect(lines).toEqual(['raxd']);
    expect((await screen())[0]).toBe('uffd$ raxd');
  });

  it('walks the history and keeps the line being typed', () => {
    const { io } = terminal();
    const ed = new LineEditor(io, {
      onLine: () => undefined,
      complete: () => ({ start: 0, end: 0, candidates: [] }),
    });
    ed.feed('one\rtwo\rthr');
    ed.feed('\x1b[A');
    expect(ed.text).toBe('two');
    ed.feed('\x1b[A\x1b[A');
    expect(ed.text).toBe('one');
    ed.feed('\x1b[B\x1b[B');
    expect(ed.text).toBe('thr');
    expect(ed.commands).toEqual(['one', 'two']);
  });

  it('completes the common prefix, then lists the candidates', async () => {
    const { io, screen } = terminal();
    const ed = new LineEditor(io, {
      onLine: () => undefined,
      complete: (line) => ({
        start: 0,
        end: line.length,
        candidates: ['UFFDIO_CONTINUE', 'UFFDIO_COPY'].filter((c) => c.startsWith(line)),
      }),
    });
    ed.feed('UFF\t');
    expect(ed.text).toBe('UFFDIO_CO');
    ed.feed('\t');
    expect(await screen()).toContain('UFFDIO_CONTINUE  UFFDIO_COPY');
    ed.feed('P\t');
    expect(ed.text).toBe('UFFDIO_COPY ');
  });
});

describe('the console', () => {
  function setup() {
    const engine = new FakeEngine();
    const pg = createPlayground({ kernel: '6.18', createEngine: () => engine });
    const t = terminal();
    const ctl = new ConsoleController(t.io, pg);
    ctl.start();
    return { engine, pg, ctl, ...t };
  }

  it('runs a typed call and prints its result', async () => {
    const { engine, ctl, screen } = setup();
    ctl.feed('a = mmap(4p, anon)\r');
    await settle();
    expect(engine.log).toEqual([{ op: 'mmap', as: 'a', kind: 'anon', len: '4p' }]);
    const s = await screen();
    expect(s).toContain('uffd$ a = mmap(4p, anon)');
    expect(s).toContain('= 1');
  });

  it('expands a short form and echoes the call it made', async () => {
    const { engine, ctl, screen } = setup();
    ctl.feed('copy a+1p fd=uffd\r');
    await settle();
    expect(engine.log[0]).toMatchObject({ op: 'ioctl', request: 'UFFDIO_COPY', fd: 'uffd' });
    expect(await screen()).toContain(
      '  → ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p, mode: 0})',
    );
  });

  it('points at the column of a mistake and gives the line back to fix', async () => {
    const { engine, ctl, screen } = setup();
    ctl.feed('touch(T1, a+*1p, read)\r');
    await settle();
    expect(engine.log).toEqual([]);
    const s = await screen();
    const caret = s.findIndex((l) => l.trim() === '^');
    expect(caret).toBeGreaterThan(0);
    expect(s[caret]!.indexOf('^')).toBe('uffd$ touch(T1, a+'.length);
    expect(s[caret + 1]).toBe("error at column 13: unexpected '*'");
    expect(s.at(-1)).toBe('uffd$ touch(T1, a+*1p, read)');
  });

  it('echoes what the monitor runs, as the transcript', async () => {
    const { pg, screen } = setup();
    await pg.store.getState().actions.perform({ op: 'poll', fd: 'uffd' }, 'form');
    expect(await screen()).toContain('uffd$ poll(uffd)   # monitor');
  });

  it('answers help and history', async () => {
    const { ctl, screen } = setup();
    ctl.feed('help copy\r');
    await settle();
    expect((await screen()).some((l) => l.startsWith('copy DST [LEN=1p]'))).toBe(true);
    ctl.feed('history\r');
    await settle();
    expect(await screen()).toContain('   1  help copy');
  });
});

describe('the console and the kernel profile', () => {
  it('says what the profile lacks before running it', async () => {
    const { missingFromProfile } = await import('./controller');
    expect(missingFromProfile({ op: 'ioctl', fd: 'u', request: 'UFFDIO_MOVE' }, '6.6')).toBe(
      'UFFDIO_MOVE appeared in Linux 6.8; kernel 6.6 does not have it',
    );
    expect(missingFromProfile({ op: 'open', path: '/dev/userfaultfd', as: 'd' }, '5.15')).toMatch(
      /appeared in Linux 6.1/,
    );
    expect(missingFromProfile({ op: 'ioctl', fd: 'u', request: 'UFFDIO_COPY' }, '4.3')).toBeUndefined();
  });
});

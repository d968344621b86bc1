import { describe, expect, it } from 'vitest';
import { commonPrefix, complete } from './complete';
import { helpLines } from './help';

const at = (line: string, names: string[] = []) => complete(line, line.length, names).candidates;

describe('completion', () => {
  it('completes commands at the start of a line, and names of the session', () => {
    expect(at('cop')).toEqual(['copy']);
    expect(at('re')).toEqual(['read', 'register']);
    expect(at('uf', ['uffd2'])).toEqual(['uffd', 'uffd2', 'userfaultfd'].filter((c) => c.startsWith('uf')));
    expect(at('x = us')).toEqual(['userfaultfd']);
  });

  it('completes ioctl names, struct fields and flags where they go', () => {
    expect(at('ioctl(uffd, UFFDIO_C')).toEqual(['UFFDIO_CONTINUE', 'UFFDIO_COPY']);
    expect(at('ioctl(uffd, UFFDIO_COPY, {d')).toEqual(['dst']);
    expect(at('ioctl(uffd, UFFDIO_REGISTER, {range.st')).toEqual(['range.start']);
    expect(
      at('ioctl(uffd, UFFDIO_REGISTER, {range: {start: a, len: 1p}, mode: UFFDIO_REGISTER_MODE_M'),
    ).toEqual(['UFFDIO_REGISTER_MODE_MINOR', 'UFFDIO_REGISTER_MODE_MISSING']);
    expect(at('uffd = userfaultfd(O_')).toEqual(['O_CLOEXEC', 'O_NONBLOCK']);
    expect(at('touch(T1, a+1p, wr')).toEqual(['write']);
    expect(at('copy a 1p dont')).toEqual(['dontwake']);
    expect(at('api thr')).toEqual(['thread_id']);
    expect(at('help UFFDIO_W')).toEqual(['UFFDIO_WAKE', 'UFFDIO_WRITEPROTECT']);
  });

  it('completes the word under the cursor, not past it, and never a number', () => {
    const c = complete('close(uf)', 8, ['uffd']);
    expect(c).toMatchObject({ start: 6, end: 8, candidates: ['uffd'] });
    expect(at('copy a 1')).toEqual([]);
  });

  it('finds the common prefix to insert', () => {
    expect(commonPrefix(['UFFDIO_CONTINUE', 'UFFDIO_COPY'])).toBe('UFFDIO_CO');
    expect(commonPrefix([])).toBe('');
  });
});

describe('help', () => {
  it('lists every command, and explains one', () => {
    const all = helpLines().join('\n');
    expect(all).toContain('[NAME =] ioctl(fd, request, arg?)');
    expect(all).toContain('copy DST [LEN=1p]');
    expect(helpLines('copy').join('\n')).toContain('UFFDIO_COPY: fills missing pages');
    expect(helpLines('read').length).toBeGreaterThan(3);
    expect(helpLines('UFFDIO_COPY').join('\n')).toMatch(/32 +s64 +copy +\(written by the kernel\)/);
    expect(helpLines('nope')).toEqual(["no help for 'nope' (type help for the list)"]);
  });
});

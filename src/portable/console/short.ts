// Short forms for the common steps: `copy a+1p`, `register a 4p missing`, `touch T1 a+1p write`.
// Words separated by spaces (so no spaces inside an expression here): positional values, flag words
// (`dontwake`, `wp`) and `key=value` options (`fd=uffd2`, `fill=0x42`). Each expands to one Operation,
// which the console echoes in the full call syntax.

import type { Expr } from '../model/expr';
import type { Operation, StructArg } from '../model/operation';
import { FEATURES, REGISTER_MODES, IOCTL_BY_NAME, type IoctlName } from '../uapi/names';
import { exprValue, type NameSource } from './parse-call';
import { didYouMean } from '../scenario/suggest';
import { ADVICES, KINDS } from './signatures';
import { ConsoleError, NAME, type Word } from './syntax';

export interface ShortContext extends NameSource {
  /** The uffd a short form acts on when it names none (`fd=`): the newest open one. */
  readonly defaultUffd?: string;
}

export interface ShortForm {
  readonly name: string;
  readonly usage: string;
  readonly help: string;
  readonly example: string;
  /** The flag words it takes, for completion. */
  readonly words?: readonly string[];
  build(args: Args, ctx: ShortContext): Operation;
}

/** The words after the command, sorted into positional values, the form's flag words and key=value options. */
export class Args {
  private readonly positional: Word[] = [];
  private readonly flags = new Set<string>();
  private readonly options = new Map<string, Word>();
  private readonly form: Pick<ShortForm, 'usage' | 'words'>;
  readonly end: number;

  constructor(words: readonly Word[], form: Pick<ShortForm, 'usage' | 'words'>, end: number) {
    this.form = form;
    this.end = end;
    for (const w of words) {
      const eq = /^([A-Za-z]+)=/.exec(w.text);
      if (eq) {
        const key = eq[1]!.toLowerCase();
        this.options.set(key, {
          text: w.text.slice(eq[0].length),
          start: w.start + eq[0].length,
          end: w.end,
        });
      } else if (form.words?.includes(w.text.toLowerCase())) this.flags.add(w.text.toLowerCase());
      else this.positional.push(w);
    }
  }

  private missing(what: string): ConsoleError {
    return new ConsoleError(`missing ${what}: ${this.form.usage}`, this.end);
  }

  /** The i-th positional value, or the fallback; missing without one: an error naming it. */
  value(i: number, what: string, fallback?: Expr): Expr {
    const w = this.positional[i];
    if (w) return exprValue(w.text);
    if (fallback !== undefined) return fallback;
    throw this.missing(what);
  }

  name(i: number, what: string, fallback?: () => string): string {
    const w = this.positional[i];
    if (!w) {
      if (fallback) return fallback();
      throw this.missing(what);
    }
    if (!NAME.test(w.text)) throw new ConsoleError(`${what} should be a name`, w.start, w.end);
    return w.text;
  }

  option(key: string): Word | undefined {
    return this.options.get(key);
  }

  /** Whether the flag word was given. */
  take(word: string): boolean {
    return this.flags.has(word);
  }

  /** The first of these flag words that was given. */
  takeWord<T extends string>(values: readonly T[]): T | undefined {
    return values.find((v) => this.flags.has(v));
  }

  /** Fails on a positional word past `maxPositional` or an option the form does not take. */
  done(maxPositional: number, options: readonly string[] = []): void {
    const extra = this.positional[maxPositional];
    if (extra) {
      const hint = didYouMean(extra.text, this.form.words ?? []);
      throw new ConsoleError(`unexpected '${extra.text}'${hint}: ${this.form.usage}`, extra.start, extra.end);
    }
    for (const [key, w] of this.options) {
      if (!options.includes(key)) {
        const hint = didYouMean(key, options);
        throw new ConsoleError(
          `unknown option '${key}='${hint}: ${this.form.usage}`,
          w.start - key.length - 1,
          w.end,
        );
      }
    }
  }
}

/** `fill=0x42`: the byte COPY's own source buffer is filled with; 0x41 ('A') when not given. */
function fillByte(w: Word | undefined): number {
  if (!w) return 0x41;
  const n = /^(0x[0-9a-fA-F]+|\d+)$/.test(w.text) ? Number(w.text) : NaN;
  if (!(n >= 0 && n <= 255)) throw new ConsoleError('fill= must be a byte, 0 to 0xff', w.start, w.end);
  return n;
}

function fd(args: Args, ctx: ShortContext): string {
  const o = args.option('fd');
  if (o) {
    if (!NAME.test(o.text)) throw new ConsoleError('fd= should be a name', o.start, o.end);
    return o.text;
  }
  if (!ctx.defaultUffd)
    throw new ConsoleError('no uffd yet: create one first (uffd), or give fd=NAME', args.end);
  return ctx.defaultUffd;
}

function modeOf(args: Args, table: Record<string, string>): Expr {
  const names = Object.entries(table)
    .filter(([word]) => args.take(word))
    .map(([, name]) => name);
  return names.length ? names.join('|') : 0;
}

function ioctl(request: IoctlName, fdName: string, arg: StructArg): Operation {
  return { op: 'ioctl', fd: fdName, request, arg };
}

/** `CMD ADDR [LEN] [flags]` for the ioctls that take a uffdio_range and a mode. */
function rangeForm(
  name: string,
  request: IoctlName,
  modes: Record<string, string>,
  help: string,
  example: string,
  fixedMode?: string,
): ShortForm {
  const words = Object.keys(modes);
  const usage = `${name} ADDR [LEN=1p] ${words.map((w) => `[${w}]`).join(' ')} [fd=UFFD]`.replace(
    /\s+/g,
    ' ',
  );
  return {
    name,
    usage,
    help,
    example,
    words,
    build(args, ctx) {
      const range = { start: args.value(0, 'ADDR'), len: args.value(1, 'LEN', '1p') };
      const mode = fixedMode ?? modeOf(args, modes);
      args.done(2, ['fd']);
      const hasMode = IOCTL_BY_NAME.get(request)!.struct !== 'uffdio_range';
      return ioctl(request, fd(args, ctx), hasMode ? { range, mode } : range);
    },
  };
}

const FEATURE_WORDS = new Map(
  FEATURES.map((f) => [f.name.slice('UFFD_FEATURE_'.length).toLowerCase(), f.name]),
);
const REGISTER_WORDS = Object.fromEntries(
  REGISTER_MODES.map((m) => [m.name.slice('UFFDIO_REGISTER_MODE_'.length).toLowerCase(), m.name]),
);

export const SHORT_FORMS: readonly ShortForm[] = [
  {
    name: 'uffd',
    usage: 'uffd [FLAGS=O_CLOEXEC|O_NONBLOCK] [name=NAME]',
    help: 'Creates a userfaultfd with userfaultfd(2).',
    example: 'uffd O_NONBLOCK',
    build(args, ctx) {
      const flags = args.value(0, 'FLAGS', 'O_CLOEXEC|O_NONBLOCK');
      const as = args.option('name')?.text ?? ctx.freshName?.('userfaultfd') ?? 'uffd';
      args.done(1, ['name']);
      return { op: 'userfaultfd', flags, as };
    },
  },
  {
    name: 'api',
    usage: `api [FEATURE...] [fd=UFFD]   (features by name, e.g. ${[...FEATURE_WORDS.keys()].slice(0, 3).join(', ')})`,
    help: 'The UFFDIO_API handshake: api = UFFD_API and the features to enable.',
    example: 'api thread_id',
    words: [...FEATURE_WORDS.keys()],
    build(args, ctx) {
      const features = modeOf(args, Object.fromEntries(FEATURE_WORDS));
      args.done(0, ['fd']);
      return ioctl('UFFDIO_API', fd(args, ctx), { api: 'UFFD_API', features });
    },
  },
  {
    name: 'register',
    usage: 'register ADDR LEN [missing] [wp] [minor] [fd=UFFD]   (missing when no mode is given)',
    help: 'UFFDIO_REGISTER: the range starts to report faults of the modes given.',
    example: 'register a 4p missing wp',
    words: Object.keys(REGISTER_WORDS),
    build(args, ctx) {
      const range = { start: args.value(0, 'ADDR'), len: args.value(1, 'LEN') };
      const mode = modeOf(args, REGISTER_WORDS);
      args.done(2, ['fd']);
      return ioctl('UFFDIO_REGISTER', fd(args, ctx), {
        range,
        mode: mode === 0 ? REGISTER_WORDS.missing! : mode,
      });
    },
  },
  {
    name: 'unregister',
    usage: 'unregister ADDR LEN [fd=UFFD]',
    help: 'UFFDIO_UNREGISTER: the range stops reporting faults.',
    example: 'unregister a 4p',
    build(args, ctx) {
      const range = { start: args.value(0, 'ADDR'), len: args.value(1, 'LEN') };
      args.done(2, ['fd']);
      return ioctl('UFFDIO_UNREGISTER', fd(args, ctx), range);
    },
  },
  rangeForm(
    'wake',
    'UFFDIO_WAKE',
    {},
    'UFFDIO_WAKE: wakes the threads blocked on faults in the range.',
    'wake a 4p',
  ),
  {
    name: 'copy',
    usage: 'copy DST [LEN=1p] [fill=BYTE (0x41) | src=ADDR] [dontwake] [wp] [fd=UFFD]',
    help: 'UFFDIO_COPY: fills missing pages with a copy of src (by default a buffer of 0x41 bytes) and wakes.',
    example: 'copy a+1p 1p fill=0x42',
    words: ['dontwake', 'wp'],
    build(args, ctx) {
      const src = args.option('src');
      const fill = args.option('fill');
      if (src && fill) throw new ConsoleError('give fill= or src=, not both', src.start, src.end);
      const arg = {
        dst: args.value(0, 'DST'),
        src: src ? exprValue(src.text) : { fill: fillByte(fill) },
        len: args.value(1, 'LEN', '1p'),
        mode: modeOf(args, { dontwake: 'UFFDIO_COPY_MODE_DONTWAKE', wp: 'UFFDIO_COPY_MODE_WP' }),
      };
      args.done(2, ['fd', 'src', 'fill']);
      return ioctl('UFFDIO_COPY', fd(args, ctx), arg);
    },
  },
  rangeForm(
    'zeropage',
    'UFFDIO_ZEROPAGE',
    { dontwake: 'UFFDIO_ZEROPAGE_MODE_DONTWAKE' },
    'UFFDIO_ZEROPAGE: maps the zero page over missing pages and wakes.',
    'zeropage a+2p',
  ),
  rangeForm(
    'wp',
    'UFFDIO_WRITEPROTECT',
    {},
    'UFFDIO_WRITEPROTECT with MODE_WP: write-protects the range.',
    'wp a 4p',
    'UFFDIO_WRITEPROTECT_MODE_WP',
  ),
  rangeForm(
    'unwp',
    'UFFDIO_WRITEPROTECT',
    { dontwake: 'UFFDIO_WRITEPROTECT_MODE_DONTWAKE' },
    'UFFDIO_WRITEPROTECT without MODE_WP: removes the protection and wakes the writers.',
    'unwp a+1p',
  ),
  rangeForm(
    'continue',
    'UFFDIO_CONTINUE',
    { dontwake: 'UFFDIO_CONTINUE_MODE_DONTWAKE', wp: 'UFFDIO_CONTINUE_MODE_WP' },
    'UFFDIO_CONTINUE: maps the page already in the page cache (resolves a minor fault).',
    'continue b+1p',
  ),
  rangeForm(
    'poison',
    'UFFDIO_POISON',
    { dontwake: 'UFFDIO_POISON_MODE_DONTWAKE' },
    'UFFDIO_POISON: marks the range poisoned; touching it raises SIGBUS.',
    'poison a+3p',
  ),
  {
    name: 'move',
    usage: 'move DST SRC [LEN=1p] [dontwake] [holes] [fd=UFFD]',
    help: 'UFFDIO_MOVE: moves pages from SRC to DST (private anonymous memory only).',
    example: 'move a+1p b 1p',
    words: ['dontwake', 'holes'],
    build(args, ctx) {
      const arg = {
        dst: args.value(0, 'DST'),
        src: args.value(1, 'SRC'),
        len: args.value(2, 'LEN', '1p'),
        mode: modeOf(args, {
          dontwake: 'UFFDIO_MOVE_MODE_DONTWAKE',
          holes: 'UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES',
        }),
      };
      args.done(3, ['fd']);
      return ioctl('UFFDIO_MOVE', fd(args, ctx), arg);
    },
  },
  {
    name: 'mmap',
    usage: `mmap LEN [${KINDS.join('|')}] [shared] [name=NAME]`,
    help: 'Maps a new area of LEN bytes (anon by default).',
    example: 'mmap 4p shmem',
    words: [...KINDS, 'shared'],
    build(args, ctx) {
      const len = args.value(0, 'LEN');
      const kind = args.takeWord(KINDS) ?? 'anon';
      const shared = args.take('shared');
      const as = args.option('name')?.text ?? ctx.freshName?.('mmap') ?? 'a';
      args.done(1, ['name']);
      return { op: 'mmap', as, kind, len, ...(shared ? { shared: true } : {}) } as Operation;
    },
  },
  {
    name: 'munmap',
    usage: 'munmap ADDR LEN',
    help: 'Unmaps a range.',
    example: 'munmap a+2p 2p',
    build(args) {
      const op: Operation = { op: 'munmap', addr: args.value(0, 'ADDR'), len: args.value(1, 'LEN') };
      args.done(2);
      return op;
    },
  },
  {
    name: 'madvise',
    usage: `madvise ADDR LEN ADVICE   (${ADVICES.map((a) => a.slice(5).toLowerCase()).join(', ')})`,
    help: 'madvise(2): MADV_DONTNEED drops the pages (a REMOVE event with EVENT_REMOVE).',
    example: 'madvise a 4p dontneed',
    words: ADVICES.map((a) => a.slice(5).toLowerCase()),
    build(args) {
      const addr = args.value(0, 'ADDR');
      const len = args.value(1, 'LEN');
      const advice = ADVICES.find((a) => args.take(a.slice(5).toLowerCase()));
      if (!advice) throw new ConsoleError(`missing ADVICE: ${this.usage}`, args.end);
      args.done(2);
      return { op: 'madvise', addr, len, advice };
    },
  },
  {
    name: 'touch',
    usage: 'touch THREAD ADDR [read|write] [value=BYTE] [len=LEN]',
    help: 'A thread reads (default) or writes memory; it blocks if the page faults to a uffd.',
    example: 'touch T1 a+1p write value=0x7f',
    words: ['read', 'write'],
    build(args) {
      const thread = args.name(0, 'THREAD');
      const addr = args.value(1, 'ADDR');
      const access = (args.takeWord(['read', 'write']) ?? 'read') as 'read' | 'write';
      const value = args.option('value');
      const len = args.option('len');
      args.done(2, ['value', 'len']);
      const v = value ? Number(value.text) : undefined;
      if (value && (!Number.isInteger(v) || v! < 0 || v! > 255)) {
        throw new ConsoleError('value= must be a byte, 0 to 0xff', value.start, value.end);
      }
      return {
        op: 'touch',
        thread,
        addr,
        access,
        ...(len ? { len: exprValue(len.text) } : {}),
        ...(v !== undefined ? { value: v } : {}),
      };
    },
  },
  {
    name: 'read',
    usage: 'read [FD] [size=BYTES]',
    help: 'read(2) on the uffd: the next messages (faults first, then events).',
    example: 'read uffd size=64',
    build(args, ctx) {
      const size = args.option('size');
      const op: Operation = {
        op: 'read',
        fd: args.name(0, 'FD', () => fd(args, ctx)),
        ...(size ? { size: exprValue(size.text) } : {}),
      };
      args.done(1, ['size', 'fd']);
      return op;
    },
  },
  ...(['poll', 'close'] as const).map((name): ShortForm => ({
    name,
    usage: `${name} [FD]`,
    help:
      name === 'poll'
        ? 'poll(2) with a zero timeout: POLLIN when something can be read.'
        : 'close(2) the fd; closing a uffd wakes every thread blocked on it.',
    example: `${name} uffd`,
    build(args, ctx) {
      const op: Operation = { op: name, fd: args.name(0, 'FD', () => fd(args, ctx)) };
      args.done(1, ['fd']);
      return op;
    },
  })),
  {
    name: 'fork',
    usage: 'fork [CHILD]',
    help: 'fork(2): a child process with a copy of the memory; with EVENT_FORK its uffd comes as an event.',
    example: 'fork c',
    build(args, ctx) {
      const child = args.name(0, 'CHILD', () => ctx.freshName?.('fork') ?? 'c');
      args.done(1);
      return { op: 'fork', child };
    },
  },
  {
    name: 'exit',
    usage: 'exit PROCESS',
    help: 'The child process exits: its mm goes away (COPY then fails with ESRCH).',
    example: 'exit c',
    build(args) {
      const op: Operation = { op: 'exit', process: args.name(0, 'PROCESS') };
      args.done(1);
      return op;
    },
  },
  {
    name: 'signal',
    usage: 'signal THREAD',
    help: 'Sends SIGUSR1 (with a handler): a thread blocked in a fault leaves and faults again.',
    example: 'signal T1',
    build(args) {
      const op: Operation = { op: 'signal', thread: args.name(0, 'THREAD'), signal: 'SIGUSR1' };
      args.done(1);
      return op;
    },
  },
];

export const SHORT_BY_NAME = new Map(SHORT_FORMS.map((s) => [s.name, s]));

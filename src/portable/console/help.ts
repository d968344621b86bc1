// `help` and `help TOPIC`: commands, short forms, console commands and the ioctls' structs.

import { IOCTL_BY_NAME } from '../uapi/names';
import { STRUCTS } from '../uapi/structs';
import { META_COMMANDS } from './line';
import { SHORT_BY_NAME, SHORT_FORMS } from './short';
import { SIGNATURE_BY_FN, SIGNATURES, usage } from './signatures';

const CALLS: Record<string, { readonly what: string; readonly example: string }> = {
  userfaultfd: { what: 'Creates a userfaultfd.', example: 'uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)' },
  open: {
    what: 'Opens the /dev/userfaultfd device (6.1+).',
    example: 'dev = open("/dev/userfaultfd", O_CLOEXEC)',
  },
  ioctl: {
    what: 'Any UFFDIO_* request with its struct, fields by C member name; USERFAULTFD_IOC_NEW on the device.',
    example: 'ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p, mode: 0})',
  },
  close: { what: 'Closes an fd; closing a uffd wakes every thread blocked on it.', example: 'close(uffd)' },
  read: { what: 'Reads uffd_msgs (32 bytes each); size defaults to one message.', example: 'read(uffd, 64)' },
  poll: { what: 'poll(2) with a zero timeout: revents of the fd.', example: 'poll(uffd)' },
  fcntl: {
    what: 'F_SETFL / F_GETFL, e.g. to turn O_NONBLOCK on or off.',
    example: 'fcntl(uffd, F_SETFL, O_NONBLOCK)',
  },
  mmap: {
    what: 'Maps a new area: anon, shmem, memfd, hugetlb or file; options as {…}.',
    example: 'b = mmap(4p, memfd, {file: f, shared: true})',
  },
  munmap: { what: 'Unmaps a range (an UNMAP event with EVENT_UNMAP).', example: 'munmap(a+2p, 2p)' },
  mremap: {
    what: 'Resizes or moves a mapping; a move names the new place.',
    example: 'b = mremap(a, 4p, 4p, {flags: MREMAP_MAYMOVE})',
  },
  madvise: {
    what: 'MADV_DONTNEED, MADV_REMOVE, …: may raise a REMOVE event.',
    example: 'madvise(a, 4p, MADV_DONTNEED)',
  },
  fork: { what: 'A child process; with EVENT_FORK its uffd arrives as an event.', example: 'c = fork()' },
  exit: { what: 'The child process exits.', example: 'exit(c)' },
  touch: {
    what: 'A thread reads or writes memory (len bytes, default 1); it may block in a fault.',
    example: 'touch(T1, a+1p, write, {value: 0x7f})',
  },
  signal: {
    what: 'SIGUSR1 to a thread: a thread blocked in a fault faults again.',
    example: 'signal(T1, SIGUSR1)',
  },
};

function overview(): string[] {
  return [
    'Calls (C syntax):',
    ...SIGNATURES.map((s) => `  ${usage(s)}`),
    'Short forms:',
    ...SHORT_FORMS.map((s) => `  ${s.usage}`),
    'Console:',
    ...Object.values(META_COMMANDS).map((m) => `  ${m}`),
    'Values: a+1p (area a, page 1), 2p, 2h (huge pages), 0x1000, 64k, FLAG|FLAG.',
    'Keys: Tab completes, Up/Down walk the history, Ctrl-C drops the line, Ctrl-L clears.',
  ];
}

function ioctlHelp(name: string): string[] {
  const info = IOCTL_BY_NAME.get(name)!;
  const layout = STRUCTS[info.struct];
  const fields = layout.fields.map(
    (f) =>
      `  ${String(f.offset).padStart(2)}  ${f.type}  ${f.name}${f.out ? '   (written by the kernel)' : ''}`,
  );
  const modes = info.modes.length ? [`mode bits: ${info.modes.map((m) => m.name).join(', ')}`] : [];
  return [`${name}: struct ${layout.name}, ${layout.size} bytes`, ...fields, ...modes];
}

/** The help text for a topic (a command, a short form, an ioctl), or the overview. */
export function helpLines(topic?: string): string[] {
  if (!topic) return overview();
  const out: string[] = [];
  const sig = SIGNATURE_BY_FN.get(topic);
  if (sig) {
    const c = CALLS[topic];
    out.push(usage(sig), ...(c ? [`  ${c.what}`, `  e.g. ${c.example}`] : []));
  }
  const short = SHORT_BY_NAME.get(topic);
  if (short) out.push(short.usage, `  ${short.help}`, `  e.g. ${short.example}`);
  if (topic in META_COMMANDS) out.push(META_COMMANDS[topic as keyof typeof META_COMMANDS]);
  if (IOCTL_BY_NAME.has(topic)) out.push(...ioctlHelp(topic));
  return out.length ? out : [`no help for '${topic}' (type help for the list)`];
}

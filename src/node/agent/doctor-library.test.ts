// The built-in scenarios on an unprivileged agent, as the doctor judges them: every scenario runs
// there unless privilege is part of what it shows or it plays releases from before
// UFFD_USER_MODE_ONLY existed, and those are listed here with the reason. A new
// scenario that creates its uffd without UFFD_USER_MODE_ONLY (and needs no privilege for its point)
// fails here; so does an entry whose scenario has become runnable or has gone.
import { describe, expect, it } from 'vitest';
import { readLibrary } from '../scenarios/library';
import { whyNot, type KernelFacts } from './doctor';
import { USER_FACTS } from './testing';

/** A user without CAP_SYS_PTRACE (vm.unprivileged_userfaultfd=0), with huge pages and the C helper. */
const UNPRIVILEGED: KernelFacts = {
  ...USER_FACTS,
  hugePages: { size: 2 << 20, total: 64, free: 64, reservable: false },
  helper: { available: true, detail: 'built' },
};

const PLAIN_UFFD =
  'creates a userfaultfd without UFFD_USER_MODE_ONLY, which needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1';
const PTRACE = 'needs CAP_SYS_PTRACE';

/** Why a scenario needs privilege, and what the doctor says for it. */
interface Privileged {
  readonly because: string;
  readonly doctor: readonly string[];
}

/** UFFD_USER_MODE_ONLY came in 5.11: a scenario that plays older kernels creates its uffd without it. */
const olderKernels = (because: string): Privileged => ({
  because: `${because}; UFFD_USER_MODE_ONLY would be EINVAL there (it came in 5.11)`,
  doctor: [PLAIN_UFFD],
});

const FORK_EVENTS: Privileged = {
  because: 'asks for UFFD_FEATURE_EVENT_FORK, which UFFDIO_API refuses without CAP_SYS_PTRACE',
  doctor: [PTRACE],
};

/**
 * The events and sigbus selftests without write-protection play releases from 4.11 and 4.14: the
 * flag would cut those off, and they need CAP_SYS_PTRACE for EVENT_FORK anyway.
 */
const FORK_EVENTS_BEFORE_5_11: Privileged = {
  because: `${FORK_EVENTS.because}; and it plays releases before 5.11, where UFFD_USER_MODE_ONLY would be EINVAL`,
  doctor: [PTRACE, PLAIN_UFFD],
};

const SELFTEST_FORK_EVENTS = ['events', 'sigbus', 'wp-fork'].flatMap((test) =>
  ['anon', 'shmem', 'shmem-private', 'hugetlb', 'hugetlb-private'].flatMap((mem) => [
    [`selftest-${test}-${mem}.json`, test === 'wp-fork' ? FORK_EVENTS : FORK_EVENTS_BEFORE_5_11] as const,
    ...(test === 'wp-fork' ? [] : [[`selftest-${test}-wp-${mem}.json`, FORK_EVENTS] as const]),
  ]),
);

/**
 * The lessons that play releases before 5.11 too (the basic fault cycle, the events, the errno
 * paths): a teacher picks the release, and the flag would make their first step fail there.
 */
const LESSONS_BEFORE_5_11 = [
  'api-second-handshake',
  'close-wakes-blocked-threads',
  'copy-eexist-second-copy',
  'copy-partial-eagain',
  'errno-before-api',
  'errno-uffdio-unregister',
  'errno-uffdio-wake',
  'event-remove',
  'event-unmap',
  'events-read-after-faults',
  'fault-cycle-missing-copy',
  'fork-without-event-fork',
  'read-short-buffers',
  'reregister-replaces-mode',
  'sigbus-feature',
  'signal-refaults',
  'thread-id-feature',
  'wake-batch-dontwake',
  'wp-fault-unprotect',
  'zeropage-resolves-fault',
].map((name) => [`${name}.json`, olderKernels('a lesson that plays the releases before 5.11 too')] as const);

const PRIVILEGED: Readonly<Record<string, Privileged>> = {
  'api-features-by-version.json': olderKernels('shows the handshake of every release from 4.3 on'),
  'register-compatible-mappings-by-version.json': olderKernels(
    'shows which mappings register on kernels from 4.3 on',
  ),
  'errno-uffdio-copy.json': olderKernels('its errno table covers kernels before 4.11'),
  'errno-uffdio-register.json': olderKernels('its errno table covers 4.11 to 4.19'),
  'errno-uffdio-zeropage.json': olderKernels('its errno table covers kernels before 4.11'),
  'event-remap.json': olderKernels('shows kernels before 4.18 answering ENOENT'),
  'event-fork.json': {
    because: 'its point is UFFD_FEATURE_EVENT_FORK, privileged since 5.5, and it shows 4.11 and 4.12',
    doctor: [PTRACE, PLAIN_UFFD],
  },
  'errno-process-exited.json': {
    because: 'reaches a dead process through a FORK event (CAP_SYS_PTRACE), and shows 4.11 and 4.12',
    doctor: [PTRACE, PLAIN_UFFD],
  },
  'selftest-uffdio-api-dev.json': {
    because: 'its point is /dev/userfaultfd, which is root-only by default',
    doctor: ['needs root', 'needs /dev/userfaultfd: EACCES: root-only'],
  },
  ...Object.fromEntries(SELFTEST_FORK_EVENTS),
  ...Object.fromEntries(LESSONS_BEFORE_5_11),
};

const LIBRARY = readLibrary();

describe('the built-in scenarios on an agent without privilege', () => {
  it.each(LIBRARY.map((f) => [f.file, f] as const))('%s', (file, f) => {
    expect(f.errors ?? []).toEqual([]);
    const listed = PRIVILEGED[file];
    expect(whyNot(f.scenario!, UNPRIVILEGED), listed?.because ?? 'needs no privilege').toEqual(
      listed?.doctor ?? [],
    );
  });

  it('lists only scenarios of the library', () => {
    const files = new Set(LIBRARY.map((f) => f.file));
    expect(Object.keys(PRIVILEGED).filter((file) => !files.has(file))).toEqual([]);
  });
});

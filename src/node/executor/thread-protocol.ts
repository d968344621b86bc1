// The shared memory between the executor and one of its threads (a worker_thread): a command
// slot the thread waits on (in the C helper's uh_serve, on a futex; without the helper with
// Atomics.wait), its state, its results, and where a touch is. Nothing crosses by message, so
// posting a command and seeing it finish cost no event-loop turn. native/uffd_helper.c has the same
// layout (SL_*, TS_*, TC_*).

/** Int32 slots. */
export const SEQ = 0;
export const STATE = 1;
export const TID = 2;
/** An eventfd the thread writes to when it finishes a command, so the executor can poll() for it. */
export const NOTIFY = 3;

/** BigInt64 slots (the first 16 bytes are the Int32 slots). */
export const CMD = 2;
export const ARG = 3; // ARG..ARG+4
export const RET = 8;
export const OUT_STATUS = 9;
export const OUT_VALUE = 10;
export const OUT_CODE = 11;
export const OUT_ADDR = 12;
export const PROGRESS = 13;
/** Set when the process exits: a thread waiting for a command in the C helper returns (see thread.ts). */
export const QUIT = 14;
export const SLOTS = 16;

/** STARTING until the worker has loaded the helper and knows its tid; GONE when it cannot run. */
export const ThreadState = { STARTING: 0, IDLE: 1, BUSY: 2, DONE: 3, GONE: 4 } as const;

export const Cmd = { TOUCH: 1n, MADVISE: 2n, MUNMAP: 3n, MREMAP: 4n, FORK: 5n, QUIT: 6n, MMAP: 7n } as const;
export type CmdName = keyof typeof Cmd;

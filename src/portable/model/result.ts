// A result: what one operation returned, the same shape from both engines.

import type { StructName, StructValues } from '../uapi/structs';
import type { UffdMsg } from '../uapi/msg';
import type { Operation } from './operation';
import type { Snapshot } from './snapshot';

export interface StructInOut {
  readonly name: StructName;
  /** As passed in. */
  readonly before: StructValues;
  readonly beforeBytes: Uint8Array;
  /** As the kernel left it in user memory. */
  readonly after: StructValues;
  readonly afterBytes: Uint8Array;
}

/**
 * The operation could not be made at all: a name that resolves to nothing, a thread that is busy,
 * an address the agent refuses. Nothing reached the kernel. This is not an errno.
 */
export interface UsageError {
  readonly message: string;
  /** The operation field at fault, e.g. `arg.range.start`. */
  readonly field?: string;
}

export interface Result {
  readonly op: Operation;
  /** The call as C would write it, with absolute values: `ioctl(3, UFFDIO_COPY, {...})`. */
  readonly call: string;
  /** The syscall's return value: -1 on error; an fd; bytes read; poll's count. */
  readonly ret: number;
  /** errno when ret is -1. */
  readonly errno?: number;
  readonly struct?: StructInOut;
  /** read(): the messages, decoded, with their bytes. */
  readonly msgs?: readonly UffdMsg[];
  /** poll(): revents of the one fd. */
  readonly revents?: number;
  /** A call that creates an fd: its number. */
  readonly fd?: number;
  /** mmap/mremap: the address returned. */
  readonly addr?: bigint;
  /** The operation waits (a thread blocked in it, or read on a blocking fd with nothing to read). */
  readonly blocked?: boolean;
  readonly usageError?: UsageError;
  /** Engine remarks for the narration: what woke, what was skipped and why. */
  readonly notes?: readonly string[];
  readonly snapshot: Snapshot;
}

// What the playground refuses to do at all, as opposed to what the kernel answers with an errno.

/** The operation cannot be made: a usageError in the result, nothing reached the kernel. */
export class UsageFailure extends Error {
  override name = 'UsageFailure';
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

// The simulated userfaultfd kernel: createSimulator() gives a Backend that runs operations on a
// model of fs/userfaultfd.c and mm/, as a chosen kernel release (4.3 … 6.18) would.

export { createSimulator, INTERNAL_ERROR, type SimBackend, type SimulatorOptions } from './simulator';
export { kernelProfile, type KernelProfile } from './profile';
export type { KernelOptions } from './kernel';
export { BLOCKED, F_GETFL, F_SETFL, POLLNVAL, type Syscalls } from './sys/syscalls';

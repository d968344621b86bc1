// The real-kernel executor: KernelExecutor (a Backend per session), the kernel probe for the
// agent's doctor, and the cleanup hooks for the agent's main.
export { KernelExecutor, type BatchOptions } from './executor';
export { DEFAULT_OPTIONS, type ExecutorOptions } from './caps';
export { closeOnExit, disposeAll, installCleanupHandlers } from './registry';
export { probeKernel, type KernelProbe, type Attempt } from './probe';

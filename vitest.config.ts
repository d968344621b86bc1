import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
    // The real-kernel tests share one kernel and fork; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});

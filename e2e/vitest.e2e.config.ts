import { defineConfig } from 'vitest/config';

// The end-to-end suite starts real processes (Prometheus, Alertmanager, the Phoenix server) on a
// two-core machine: one file at a time, one test at a time, with generous time limits.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    globalSetup: ['src/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['verbose'],
  },
});

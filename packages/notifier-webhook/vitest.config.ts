import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests and README examples import packages by name; point them at the sources under test.
    alias: [
      {
        find: /^@phoenix-alerting\/core\/testing$/,
        replacement: fileURLToPath(new URL('../core/src/testing/index.ts', import.meta.url)),
      },
      {
        find: /^@phoenix-alerting\/core$/,
        replacement: fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
      },
      {
        find: /^@phoenix-alerting\/notifier-webhook$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});

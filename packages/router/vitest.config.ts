import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Test against the sources (core's too), so a change needs no rebuild; the README's examples
    // import this package by name.
    alias: [
      {
        find: /^@phoenix-alerting\/router$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
      {
        find: /^@phoenix-alerting\/core\/testing$/,
        replacement: fileURLToPath(new URL('../core/src/testing/index.ts', import.meta.url)),
      },
      {
        find: /^@phoenix-alerting\/core$/,
        replacement: fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});

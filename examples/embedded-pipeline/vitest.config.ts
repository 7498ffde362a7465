import { defineConfig } from 'vitest/config';

// Unlike the packages' tests (vitest.shared.ts), no aliases to the packages' sources: the example
// imports the built packages as a host application does, so its smoke test covers their `exports`.
// The same generous timeout, for shared CI machines.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 } });

// Shared vitest settings for the workspace packages.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { ViteUserConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

/**
 * Points `@phoenix-alerting/<name>` (and `/testing`) at each workspace package's sources, so tests
 * and README examples run against the code under test without rebuilding its dependencies.
 */
export function workspaceAliases(): { find: RegExp; replacement: string }[] {
  return readdirSync(packagesDir)
    .flatMap((name) => [
      {
        find: new RegExp(`^@phoenix-alerting/${name}/testing$`),
        replacement: `${packagesDir}${name}/src/testing/index.ts`,
      },
      {
        find: new RegExp(`^@phoenix-alerting/${name}$`),
        replacement: `${packagesDir}${name}/src/index.ts`,
      },
    ])
    .filter((alias) => existsSync(alias.replacement));
}

/** The vitest config of a package: its `src/**\/*.test.ts`, workspace packages from source. */
export function packageTestConfig(test: NonNullable<ViteUserConfig['test']> = {}): ViteUserConfig {
  return defineConfig({
    resolve: { alias: workspaceAliases() },
    // CI machines are shared and small (2 cores, many suites at once): generous defaults, so a slow
    // moment is not a failure; tests that measure time set their own bounds.
    test: { include: ['src/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000, ...test },
  });
}

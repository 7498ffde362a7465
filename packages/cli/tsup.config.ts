import { defineConfig } from 'tsup';

export default defineConfig({
  // `main` is the bin: tsup keeps its `#!/usr/bin/env node` line and makes the file executable.
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
});

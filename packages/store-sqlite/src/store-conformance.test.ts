import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreConformance } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

// Twice: write-behind (reads merge the buffer, stop flushes it) and write-through (reads hit SQLite).
for (const batchFlushIntervalMs of [100, 0]) {
  describeStoreConformance(
    `sqlite, batchFlushIntervalMs ${batchFlushIntervalMs}`,
    async () => {
      const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
      const open = () => createSqliteStore({ directory, batchFlushIntervalMs });
      return {
        store: open(),
        reopen: async () => open(),
        cleanup: async () => rmSync(directory, { recursive: true, force: true }),
      };
    },
    { describe, it, expect },
  );
}

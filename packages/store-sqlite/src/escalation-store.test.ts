import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEscalationStoreConformance } from '@phoenix-alerting/core/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultDatabaseFileName } from './options.js';
import { createSqliteStore } from './sqlite-store.js';

describeEscalationStoreConformance(
  'sqlite',
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-escalation-'));
    const open = () => createSqliteStore({ directory });
    return {
      store: open(),
      reopen: async () => open(),
      cleanup: async () => rmSync(directory, { recursive: true, force: true }),
    };
  },
  { describe, it, expect },
);

describe('sqlite escalation store', () => {
  it('allows one open incident per dedup key, and claims a step in one process only once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-escalation-'));
    const store = createSqliteStore({ directory });
    try {
      const escalation = store.escalation;
      const record = (id: string, number: number) => ({
        id,
        number,
        dedupKey: 'ops/critical/{}:{}',
        title: 't',
        severity: 'critical',
        status: 'new' as const,
        receiver: 'ops',
        policy: 'critical',
        groupKey: '{}:{}',
        labels: {},
        groupLabels: {},
        route: {
          receiver: 'ops',
          groupBy: [],
          groupWaitMs: 0,
          groupIntervalMs: 0,
          repeatIntervalMs: 0,
          muteTimeIntervals: [],
          activeTimeIntervals: [],
          routeKey: '{}',
          routeId: '{}',
        },
        alerts: [],
        level: 0,
        cycle: 0,
        round: 0,
        decisions: 0,
        exhausted: false,
        paged: [],
        actionsTaken: [],
        createdAt: 1,
        updatedAt: 1,
      });
      await escalation.commit({ at: 1, incidents: [record('a', 1)] });
      await expect(escalation.commit({ at: 1, incidents: [record('b', 2)] })).rejects.toThrow(
        /UNIQUE/,
      );
      const step = {
        id: 's',
        incidentId: 'a',
        kind: 'level' as const,
        level: 1,
        cycle: 0,
        round: 0,
        dueAt: 5,
        status: 'pending' as const,
        createdAt: 1,
      };
      await escalation.commit({ at: 1, steps: [step] });
      // A second connection (another process) sees the claim at once.
      const other = new Database(join(directory, defaultDatabaseFileName));
      expect(await escalation.claimDueSteps(5, 'w1', 1000, 10)).toHaveLength(1);
      expect(other.prepare('SELECT claimed_by FROM escalation_steps').pluck().get()).toBe('w1');
      other.close();
      expect(await escalation.claimDueSteps(6, 'w2', 1000, 10)).toEqual([]);
    } finally {
      await store.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

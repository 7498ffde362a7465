import {
  buildAlert,
  buildNotification,
  describeNotifierConformance,
} from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createPagerDutyNotifier } from './pagerduty-notifier.js';

const ROUTING_KEY = 'c0nformanceR0utingKey0123456789a';
const TEAM_KEY = 'c0nformanceTeamKey0123456789abcd';
const SUCCESS = {
  status: 202,
  headers: { 'content-type': 'application/json' },
  body: '{"status":"success","message":"Event processed","dedup_key":"inc-1"}',
};

const incidentNotification = buildNotification(
  [buildAlert({ labels: { alertname: 'DiskFull', team: 'platform' } })],
  {
    incident: {
      id: 'inc-1',
      number: 7,
      title: 'Disk full',
      severity: 'critical',
      status: 'new',
      event: 'triggered',
      level: 1,
      recipients: [{ name: 'alice' }],
    },
  },
);

describeNotifierConformance(
  'pagerduty (incident page, routing key)',
  { describe, it, expect },
  ({ url, logger }) => ({
    notifier: createPagerDutyNotifier(
      { routing_key: ROUTING_KEY, url: `${url}/v2/enqueue` },
      { logger },
    ),
    secrets: [ROUTING_KEY],
    success: SUCCESS,
    notification: incidentNotification,
  }),
);

describeNotifierConformance(
  'pagerduty (incident page, team service key)',
  { describe, it, expect },
  ({ url, logger }) => ({
    notifier: createPagerDutyNotifier(
      { routing_key: ROUTING_KEY, url: `${url}/v2/enqueue` },
      {
        logger,
        section: {
          api_token: 'u+api-t0ken-s3cret',
          services: { platform: { routing_key: TEAM_KEY } },
        },
      },
    ),
    secrets: [ROUTING_KEY, TEAM_KEY, 'u+api-t0ken-s3cret'],
    success: SUCCESS,
    notification: incidentNotification,
  }),
);

// A plain Alertmanager notification (default templates), the routing key read from a file.
describeNotifierConformance(
  'pagerduty (Alertmanager events)',
  { describe, it, expect },
  async ({ url, logger }) => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pd-conformance-'));
    writeFileSync(join(dir, 'key'), `${ROUTING_KEY}\n`);
    return {
      notifier: createPagerDutyNotifier(
        { routing_key_file: 'key', url: `${url}/v2/enqueue` },
        { logger, configDir: dir },
      ),
      secrets: [ROUTING_KEY],
      success: SUCCESS,
    };
  },
);

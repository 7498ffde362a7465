// Core's transport-neutral notifier conformance suite over SMTP: the retry table, one transaction
// per call, abort, idempotent stop and no secret in logs or messages.
import {
  buildAlert,
  buildNotification,
  describeTransportConformance,
} from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createEmailNotifier } from './email-notifier.js';
import type { EmailNotifier } from './email-notifier.js';
import { smtpConformanceTransport } from './smtp-conformance-transport.js';

const kit = (notifier: EmailNotifier) => notifier;

const PASSWORD = 'c0nformance-smtp-pa55word';
const ACK_SECRET = 'c0nformance-ack-secret-value';

const smarthost = (url: string) => new URL(url).host;

describeTransportConformance(
  'email (Alertmanager mail, PLAIN auth)',
  { describe, it, expect },
  smtpConformanceTransport,
  ({ url, logger }) => ({
    notifier: kit(
      createEmailNotifier(
        {
          to: 'ops@example.com',
          from: 'alerts@example.com',
          smarthost: smarthost(url),
          require_tls: false,
          auth_username: 'alerts',
          auth_password: PASSWORD,
        },
        { logger },
      ),
    ),
    secrets: [PASSWORD],
  }),
);

describeTransportConformance(
  'email (incident mail, password file, ack links)',
  { describe, it, expect },
  smtpConformanceTransport,
  async ({ url, logger }) => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'smtp-conformance-'));
    writeFileSync(join(dir, 'password'), `${PASSWORD}\n`);
    return {
      notifier: kit(
        createEmailNotifier(
          {
            to: 'ops@example.com',
            from: 'alerts@example.com',
            smarthost: smarthost(url),
            require_tls: false,
            auth_username: 'alerts',
            auth_password_file: 'password',
          },
          {
            logger,
            configDir: dir,
            ackLinks: { baseURL: 'https://phoenix.example.com/ack', secret: ACK_SECRET },
          },
        ),
      ),
      secrets: [PASSWORD, ACK_SECRET],
      notification: buildNotification([buildAlert()], {
        incident: {
          id: 'inc-1',
          number: 1,
          title: 'T',
          severity: 'critical',
          status: 'new',
          event: 'triggered',
          level: 1,
          recipients: [{ name: 'a', email: 'a@example.com' }],
        },
      }),
    };
  },
);

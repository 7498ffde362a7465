// The shared notifier kit (retry table, abort, stop, no secret leaks, rate limit through the
// delivery queue) against the SMS notifier, its SDK pointed at the kit's loopback endpoint.
import { describeNotifierConformance } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createSmsNotifier } from './sms-notifier.js';

const accountSid = `AC${'a1b2c3d4'.repeat(4)}`;
const authToken = 'conformance-auth-token-5f3e9c';

describeNotifierConformance('sms', { describe, it, expect }, ({ url, logger }) => ({
  notifier: createSmsNotifier(
    {
      account_sid: accountSid,
      auth_token: authToken,
      from: '+15550001',
      to: ['+15550100'],
      api_url: url,
    },
    { logger },
  ),
  secrets: [
    authToken,
    `${accountSid}:${authToken}`,
    Buffer.from(`${accountSid}:${authToken}`).toString('base64'),
  ],
  success: {
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sid: `SM${'0'.repeat(32)}`, status: 'queued', to: '+15550100' }),
  },
}));

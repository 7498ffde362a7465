import { describeNotifierConformance } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createWebhookNotifier } from './webhook-notifier.js';

// The token sits in the URL path (as in Slack-style webhooks) and in the bearer credentials.
describeNotifierConformance(
  'webhook (bearer token, secret path)',
  { describe, it, expect },
  ({ url, logger }) => ({
    notifier: createWebhookNotifier(
      {
        url: `${url}/hooks/T0SECRETPATH`,
        http_config: { bearer_token: 'conformance-bearer-s3cret' },
      },
      { logger },
    ),
    secrets: ['T0SECRETPATH', 'conformance-bearer-s3cret'],
  }),
);

describeNotifierConformance(
  'webhook (basic auth, password in URL)',
  { describe, it, expect },
  ({ url }) => {
    const withUser = new URL(url);
    withUser.username = 'hook';
    withUser.password = 'url-pa55word';
    return {
      notifier: createWebhookNotifier({
        url: `${withUser.href}alerts?token=query-s3cret`,
        http_config: { basic_auth: { username: 'phoenix', password: 'basic-pa55word' } },
      }),
      secrets: ['url-pa55word', 'query-s3cret', 'basic-pa55word'],
    };
  },
);

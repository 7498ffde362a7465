// The shared notifier conformance suite must fail notifiers that break the contract: run it, with
// a collecting test API, against deliberately broken notifiers and check which tests fail.
import type { DeliveryResult, Notifier } from '@phoenix-alerting/core';
import { describeNotifierConformance } from '@phoenix-alerting/core/testing';
import type { NotifierConformanceSetupFunction } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createWebhookNotifier } from './webhook-notifier.js';

/** Runs every test of the suite; resolves to the names of the failing ones. */
async function failingTests(setup: NotifierConformanceSetupFunction): Promise<string[]> {
  const tests: { name: string; body: () => Promise<void> }[] = [];
  describeNotifierConformance(
    'under test',
    {
      describe: (_name, body) => body(),
      it: (name, body) => tests.push({ name, body }),
      expect,
    },
    setup,
  );
  const failed: string[] = [];
  for (const test of tests) {
    try {
      await test.body();
    } catch {
      failed.push(test.name);
    }
  }
  return failed;
}

/** Wraps the webhook notifier, changing what it returns. */
function wrapped(notifier: Notifier, change: (result: DeliveryResult) => DeliveryResult): Notifier {
  return {
    name: notifier.name,
    start: (context) => notifier.start?.(context),
    stop: (options) => notifier.stop?.(options),
    notify: async (notification, options) => change(await notifier.notify(notification, options)),
  };
}

describe('describeNotifierConformance', () => {
  it('passes a conforming notifier', async () => {
    expect(
      await failingTests(({ url }) => ({
        notifier: createWebhookNotifier({ url: `${url}/x`, http_config: { bearer_token: 'tok' } }),
        secrets: ['tok'],
      })),
    ).toEqual([]);
  });

  it('catches a notifier that quotes its URL or credentials in a message', async () => {
    const failed = await failingTests(({ url }) => ({
      notifier: wrapped(createWebhookNotifier({ url: `${url}/hook-s3cret` }), (result) =>
        result.ok ? result : { ...result, message: `${result.message} (POST ${url}/hook-s3cret)` },
      ),
      secrets: ['hook-s3cret'],
    }));
    expect(failed).toEqual(['keeps every secret out of logs and delivery messages']);
  });

  it('catches a notifier that logs a secret', async () => {
    const failed = await failingTests(({ url, logger }) => ({
      notifier: createWebhookNotifier(
        { url, http_config: { bearer_token: 'tok-s3cret' } },
        { logger: logger.child({ token: 'tok-s3cret' }) },
      ),
      secrets: ['tok-s3cret'],
    }));
    expect(failed).toEqual(['keeps every secret out of logs and delivery messages']);
  });

  it('catches wrong retry decisions and retries inside notify', async () => {
    const failed = await failingTests(({ url }) => {
      const inner = createWebhookNotifier({ url });
      return {
        notifier: {
          name: 'retrying',
          stop: () => inner.stop(),
          // Retries 5xx itself, and calls a 429 a server error.
          notify: async (notification, options) => {
            let result = await inner.notify(notification, options);
            if (!result.ok && result.reason === 'server') {
              result = await inner.notify(notification, options);
            }
            if (!result.ok && result.reason === 'rate-limited') {
              return { ...result, reason: 'server', retryAfterMs: undefined };
            }
            return result;
          },
        },
        secrets: ['unused-secret'],
      };
    });
    expect(failed).toEqual([
      'reports 500 as a retryable server failure, after one request',
      'reports 502 as a retryable server failure, after one request',
      'reports 503 as a retryable server failure, after one request',
      'reports 429 as rate-limited, with Retry-After in seconds',
      'reports 429 as rate-limited, with Retry-After as an HTTP date',
    ]);
  });

  it('catches a notifier that ignores its abort signal', async () => {
    const failed = await failingTests(({ url }) => {
      const inner = createWebhookNotifier({ url, timeout: '1500ms' });
      return {
        notifier: {
          name: 'deaf',
          stop: () => inner.stop(),
          notify: (notification, options) =>
            inner.notify(notification, { ...options, signal: new AbortController().signal }),
        },
        secrets: ['unused-secret'],
      };
    });
    expect(failed).toEqual([
      'gives up at once, as canceled, when the signal aborts during the request',
      'sends nothing when the signal is already aborted',
    ]);
  }, 15_000);
});

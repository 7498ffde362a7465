import type { Notification, NotificationIncident } from '@phoenix-alerting/core';
import { createPipelineEvents, systemClock } from '@phoenix-alerting/core';
import { buildAlerts, buildNotification, createMemoryStore } from '@phoenix-alerting/core/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACKNOWLEDGE_ACTION_ID, RESOLVE_ACTION_ID } from './blocks.js';
import { startFakeSlack } from './fake-slack.js';
import type { FakeSlack } from './fake-slack.js';
import { createSlackNotifier } from './slack-notifier.js';
import type { SlackNotifierOptions } from './slack-notifier.js';

const TOKEN = 'xoxb-test-token';
const T0 = Date.UTC(2024, 0, 1);
let keys = 0;
const options = (idempotencyKey = `key-${++keys}`) => ({
  signal: new AbortController().signal,
  attempt: 1,
  idempotencyKey,
});

function incident(overrides: Partial<NotificationIncident> = {}): NotificationIncident {
  return {
    id: 'inc-1',
    number: 1234,
    title: 'HighCPU on api',
    severity: 'critical',
    status: 'new',
    event: 'triggered',
    level: 1,
    recipients: [{ name: 'alice', slack: 'U0ALICE' }, { name: 'bob' }],
    url: 'https://phoenix.example/incidents/inc-1',
    ...overrides,
  };
}

function paged(overrides: Partial<NotificationIncident> = {}, resolved = false): Notification {
  return buildNotification(
    buildAlerts(2, {
      labels: { alertname: 'HighCPU', severity: 'critical', service: 'api' },
      annotations: { summary: 'CPU above 90%', runbook_url: 'https://runbooks.example/cpu' },
      now: T0,
      ...(resolved && {
        startsAt: new Date(T0 - 60_000).toISOString(),
        endsAt: new Date(T0 - 1).toISOString(),
      }),
    }),
    { groupLabels: { alertname: 'HighCPU' }, incident: incident(overrides) },
  );
}

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ token: TOKEN, channels: ['#alerts', '#alerts-critical'] });
});
afterEach(() => slack.close());

function botNotifier(extra: SlackNotifierOptions = {}, config: Record<string, unknown> = {}) {
  return createSlackNotifier(
    { token: TOKEN, channel: '#alerts', ...config },
    { slackApiUrl: slack.apiUrl, ...extra },
  );
}

const root = () => slack.messages.find((message) => !message.thread_ts)!;
const replies = () => slack.messages.filter((message) => message.thread_ts);
const blocksOf = (message = root()) =>
  (
    message.attachments as {
      color: string;
      blocks: {
        type: string;
        elements?: { action_id?: string; value?: string }[];
        text?: { text: string };
      }[];
    }[]
  )[0]!;

describe('bot-token mode (Web API, Block Kit)', () => {
  it('posts Block Kit with colour, summary, labels, runbook and buttons, with the bot token', async () => {
    const notifier = botNotifier();
    expect(await notifier.notify(paged(), options())).toEqual({ ok: true, statusCode: 200 });
    expect(notifier.mode).toBe('api');
    const [request] = slack.requests;
    expect(request!.path).toBe('/api/chat.postMessage');
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const attachment = blocksOf();
    expect(attachment.color).toBe('#E01E5A');
    const text = JSON.stringify(attachment.blocks);
    expect(text).toContain('#1234 HighCPU on api');
    expect(text).toContain('<@U0ALICE> CPU above 90%');
    expect(text).toContain('`service=api`');
    expect(text).toContain('<https://runbooks.example/cpu|:book: Runbook>');
    const actions = attachment.blocks.find((block) => block.type === 'actions')!;
    expect(actions.elements!.map((element) => [element.action_id, element.value])).toEqual([
      [ACKNOWLEDGE_ACTION_ID, 'inc-1'],
      [RESOLVE_ACTION_ID, 'inc-1'],
    ]);
    expect(root().text).toContain('#1234 HighCPU on api');
  });

  it('updates the same message on acknowledgement, escalation and resolution, replying in its thread', async () => {
    const notifier = botNotifier();
    await notifier.notify(paged(), options());
    expect(
      await notifier.notify(
        paged({ status: 'acknowledged', event: 'acknowledged', acknowledgedBy: 'alice' }),
        options(),
      ),
    ).toMatchObject({ ok: true });
    expect(slack.messages.filter((message) => !message.thread_ts).length).toBe(1);
    expect(root().updates).toBe(1);
    expect(blocksOf().color).toBe('#7C7C7C');
    const afterAck = blocksOf().blocks.find((block) => block.type === 'actions')!;
    expect(afterAck.elements!.map((element) => element.action_id)).toEqual([RESOLVE_ACTION_ID]);

    await notifier.notify(
      paged({
        status: 'acknowledged',
        event: 'escalated',
        level: 2,
        recipients: [{ name: 'carol', slack: 'U0CAROL' }],
      }),
      options(),
    );
    await notifier.notify(
      paged({ status: 'resolved', event: 'resolved', level: 0 }, true),
      options(),
    );
    expect(root().updates).toBe(3);
    expect(blocksOf().color).toBe('#2EB67D');
    expect(blocksOf().blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(replies().map((reply) => [reply.thread_ts, reply.text])).toEqual([
      [root().ts, ':white_check_mark: Acknowledged by alice'],
      [root().ts, ':rotating_light: Escalated to level 2: <@U0CAROL>'],
      [root().ts, ':large_green_circle: Resolved'],
    ]);
    // chat.update is sent the channel id Slack answered with, as it requires.
    const update = slack.requests.find((request) => request.path === '/api/chat.update')!;
    expect(update.body.channel).toBe(slack.channelId('#alerts'));
  });

  it('updates instead of posting again when a notification is retried after it was posted', async () => {
    const notifier = botNotifier();
    await notifier.notify(paged(), options('same'));
    await notifier.notify(paged(), options('same'));
    expect(slack.messages.length).toBe(1);
    expect(root().updates).toBe(1);
  });

  it('finds a post whose answer was lost (by its metadata) instead of posting it again', async () => {
    const notifier = botNotifier({}, { timeout: '300ms' });
    // An earlier answer teaches the notifier the channel's id.
    expect((await notifier.notify(paged({ id: 'inc-0' }), options())).ok).toBe(true);
    slack.script('accept-then-hang');
    expect(await notifier.notify(paged({ id: 'inc-2' }), options('lost'))).toMatchObject({
      ok: false,
      reason: 'timeout',
      retryable: true,
    });
    expect(await notifier.notify(paged({ id: 'inc-2' }), options('lost'))).toEqual({
      ok: true,
      statusCode: 200,
    });
    const roots = slack.messages.filter((message) => !message.thread_ts);
    expect(roots.length).toBe(2);
    expect(slack.requests.map((request) => request.path)).toEqual([
      '/api/chat.postMessage',
      '/api/chat.postMessage',
      '/api/conversations.history',
    ]);
    expect(roots[1]!.metadata).toEqual({
      event_type: 'phoenix_alerting_notification',
      event_payload: { idempotency_key: 'lost' },
    });
    // Found: later events update that message.
    await notifier.notify(
      paged({ id: 'inc-2', status: 'acknowledged', event: 'acknowledged' }),
      options(),
    );
    expect(roots[1]!.updates).toBe(1);
  });

  it('remembers messages in the store, so a restarted notifier updates them', async () => {
    const store = createMemoryStore();
    const context = {
      clock: systemClock,
      logger: pino({ enabled: false }),
      store,
      events: createPipelineEvents(),
    };
    const first = botNotifier();
    first.start(context);
    await first.notify(paged(), options());
    await first.stop();
    const second = botNotifier();
    second.start(context);
    await second.notify(
      paged({ status: 'acknowledged', event: 'acknowledged', acknowledgedBy: 'bob' }),
      options(),
    );
    expect(slack.messages.filter((message) => !message.thread_ts).length).toBe(1);
    expect(root().updates).toBe(1);
    expect(await store.kv!.list('notifier-slack')).toHaveLength(1);
  });

  it('updates a plain group in place and starts a new message after it resolved', async () => {
    const notifier = botNotifier({}, { send_resolved: true });
    const firing = buildNotification(buildAlerts(1, { labels: { alertname: 'Disk' }, now: T0 }), {
      timestamp: T0,
    });
    await notifier.notify(firing, options());
    const resolved = buildNotification(
      buildAlerts(1, {
        labels: { alertname: 'Disk' },
        now: T0,
        endsAt: new Date(T0).toISOString(),
      }),
      { timestamp: T0 + 1 },
    );
    await notifier.notify(resolved, options());
    expect(slack.messages.length).toBe(1);
    expect(blocksOf().color).toBe('#2EB67D');
    await notifier.notify(firing, options());
    expect(slack.messages.length).toBe(2);
  });

  it('posts a new message when the remembered one is gone', async () => {
    const notifier = botNotifier();
    await notifier.notify(paged(), options());
    slack.messages.length = 0;
    expect((await notifier.notify(paged({ event: 'escalated', level: 2 }), options())).ok).toBe(
      true,
    );
    expect(replies().length).toBe(1);
    expect(slack.messages.filter((message) => !message.thread_ts).length).toBe(1);
  });

  it.each([
    ['invalid_auth', false, 'auth'],
    ['not_authed', false, 'auth'],
    ['channel_not_found', false, 'client'],
    ['ratelimited', true, 'rate-limited'],
    ['internal_error', true, 'server'],
  ] as const)('maps ok:false %s to retryable=%s %s', async (error, retryable, reason) => {
    slack.script({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ok: false, error }),
    });
    const result = await botNotifier().notify(paged(), options());
    expect(result).toMatchObject({ ok: false, retryable, reason });
    expect(slack.requests.length).toBe(1);
  });

  it('gets invalid_auth from the fake for a wrong token, and channel_not_found for an unknown channel', async () => {
    const wrongToken = createSlackNotifier(
      { token: 'xoxb-wrong', channel: '#alerts' },
      { slackApiUrl: slack.apiUrl },
    );
    expect(await wrongToken.notify(paged(), options())).toMatchObject({
      ok: false,
      reason: 'auth',
      retryable: false,
    });
    const wrongChannel = botNotifier({}, { channel: '#nope' });
    const result = await wrongChannel.notify(paged(), options());
    expect(result).toMatchObject({ ok: false, reason: 'client', retryable: false });
    expect(result.ok || result.message).toContain('channel_not_found');
  });

  it('reports 429 with Retry-After as rate-limited, making one request (WebClient retries off)', async () => {
    slack.script({ status: 429, headers: { 'retry-after': '30' }, body: '' });
    expect(await botNotifier().notify(paged(), options())).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'rate-limited',
      retryAfterMs: 30_000,
    });
    slack.script({ status: 503, body: 'upstream down' });
    expect(await botNotifier().notify(paged(), options())).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'server',
      statusCode: 503,
    });
    expect(slack.requests.length).toBe(2);
  });

  it('reports a malformed body as a retryable server failure and a slow answer as a timeout', async () => {
    slack.script({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '<html>oops</html>',
    });
    expect(await botNotifier().notify(paged(), options())).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'server',
    });
    slack.script({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true,"channel":"C1","ts":"1.2"}',
      delayMs: 2_000,
    });
    const slow = botNotifier({}, { timeout: '200ms' });
    expect(await slow.notify(paged(), options())).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'timeout',
    });
  });

  it('reads token_file and requires a channel in token mode', async () => {
    expect(() => createSlackNotifier({ token: TOKEN })).toThrow(
      /channel: channel must be configured with token or token_file/,
    );
    expect(() => createSlackNotifier({ token: TOKEN, token_file: '/x', channel: '#a' })).toThrow(
      /at most one of token & token_file must be configured/,
    );
  });
});

// What a client can send wrong, and what it gets back: never a crash, always a status and a message
// that names the alert or field at fault.
import { afterEach, describe, expect, it } from 'vitest';
import { silenceBody, startServer } from './test-harness.js';
import type { Harness } from './test-harness.js';

let harness: Harness;
afterEach(async () => {
  await harness?.server.stop();
});

const json = { 'content-type': 'application/json' };

interface Case {
  name: string;
  method?: 'GET' | 'POST' | 'DELETE';
  url?: string;
  payload?: unknown;
  /** Sent as is, for bodies that are not JSON. */
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  /** The body: a JSON string (Alertmanager's handlers) or go-openapi's `{code, message}`. */
  message: RegExp;
  /** go-openapi's `code`, when it is not the status. */
  code?: number;
}

const cases: Case[] = [
  {
    name: 'malformed JSON',
    raw: '[{"labels": {',
    status: 400,
    message: /^parsing alerts body from "" failed, because .*JSON/,
  },
  {
    name: 'a body that is not a list',
    payload: { labels: { a: 'b' } },
    status: 400,
    message: /^alerts in body must be of type array: "object"$/,
  },
  {
    name: 'an alert that is not an object',
    payload: [42],
    status: 400,
    message: /^alerts\[0\]: must be an object, got number$/,
  },
  {
    name: 'labels missing',
    payload: [{ annotations: {} }],
    status: 400,
    message: /^alerts\[0\]: labels: required$/,
  },
  {
    name: 'labels of the wrong type',
    payload: [{ labels: ['a'] }],
    status: 400,
    message: /^alerts\[0\]: labels: must be an object of names to string values$/,
  },
  {
    name: 'a label value that is not a string',
    payload: [{ labels: { alertname: 'A', port: 9090 } }],
    status: 400,
    message: /^alerts\[0\]: labels\["port"\]: must be a string, got number$/,
  },
  {
    name: 'an annotation that is not a string',
    payload: [{ labels: { alertname: 'A' }, annotations: { summary: { text: 'x' } } }],
    status: 400,
    message: /^alerts\[0\]: annotations\["summary"\]: must be a string, got object$/,
  },
  {
    name: 'a time that is not RFC 3339',
    payload: [{ labels: { alertname: 'A' }, startsAt: 'yesterday' }],
    status: 400,
    message: /^alerts\[0\]: startsAt: not an RFC 3339 date-time: "yesterday"$/,
  },
  {
    name: 'a date that does not exist',
    payload: [{ labels: { alertname: 'A' }, endsAt: '2023-02-29T00:00:00Z' }],
    status: 400,
    message: /^alerts\[0\]: endsAt: not an RFC 3339 date-time/,
  },
  {
    name: 'an empty label set',
    payload: [{ labels: {} }],
    status: 400,
    message: /^alerts\[0\]: at least one label pair required$/,
  },
  {
    name: 'a label set of empty values only',
    payload: [{ labels: { alertname: '' } }],
    status: 400,
    message: /^alerts\[0\]: at least one label pair required$/,
  },
  {
    name: 'an invalid label name',
    payload: [{ labels: { alertname: 'A' } }, { labels: { 'bad-name': 'x' } }],
    status: 400,
    message: /^alerts\[1\]: invalid label set: .*"bad-name"/,
  },
  {
    name: 'endsAt before startsAt',
    payload: [
      {
        labels: { alertname: 'A' },
        startsAt: '2024-06-01T00:00:00Z',
        endsAt: '2024-05-31T00:00:00Z',
      },
    ],
    status: 400,
    message: /^alerts\[0\]: start time must be before end time$/,
  },
  {
    name: 'a generatorURL that is not a string',
    payload: [{ labels: { alertname: 'A' }, generatorURL: 7 }],
    status: 400,
    message: /^alerts\[0\]: generatorURL: must be a string, got number$/,
  },
  {
    name: 'several bad alerts, each named',
    payload: [{ labels: {} }, { labels: { alertname: 'A' } }, { labels: 3 }],
    status: 400,
    message: /^alerts\[0\]: at least one label pair required; alerts\[2\]: labels: must be/,
  },
  {
    name: 'a poisoned prototype',
    raw: '[{"labels": {"__proto__": {"admin": "true"}}}]',
    status: 400,
    message: /^parsing alerts body from "" failed, because .*prototype/,
  },
  {
    name: 'a poisoned prototype spelled with escapes',
    raw: '[{"labels": {"\\u005f_proto\\u005f_": {"admin": "true"}}}]',
    status: 400,
    message: /^parsing alerts body from "" failed, because .*prototype/,
  },
  {
    name: 'a poisoned constructor prototype',
    raw: '[{"labels": {"constructor": {"prototype": {"admin": "true"}}}}]',
    status: 400,
    message: /^parsing alerts body from "" failed, because .*prototype/,
  },
  {
    name: 'a syntax error',
    raw: '[{"labels": {"alertname": "A"}',
    status: 400,
    message: /^parsing alerts body from "" failed, because .*JSON/,
  },
  {
    name: 'an empty JSON body',
    raw: '',
    status: 400,
    message: /empty/i,
  },
  {
    name: 'a body that is not JSON',
    raw: 'labels=a',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    message: /content-type/i,
  },
  {
    name: 'a bad filter matcher',
    method: 'GET',
    url: `/api/v2/alerts?filter=${encodeURIComponent('alertname=~"(unclosed"')}`,
    status: 400,
    message: /alertname=~"\(unclosed".*missing closing \)/,
  },
  {
    name: 'a filter that is not a matcher',
    method: 'GET',
    url: '/api/v2/alerts/groups?filter=nonsense',
    status: 400,
    message: /nonsense/,
  },
  {
    name: 'a bad receiver regex',
    method: 'GET',
    url: '/api/v2/alerts?receiver=(',
    status: 400,
    message: /^failed to parse receiver param: /,
  },
  {
    name: 'a bad silence filter',
    method: 'GET',
    url: '/api/v2/silences?filter=%7B',
    status: 400,
    message: /.+/,
  },
  {
    name: 'a silence without matchers',
    url: '/api/v2/silences',
    payload: { ...silenceBody({}), matchers: [] },
    status: 400,
    message: /matchers: at least one matcher required/,
  },
  {
    name: 'a silence with missing fields',
    url: '/api/v2/silences',
    payload: { matchers: [{ name: 'a', value: 'b', isRegex: false }] },
    status: 400,
    message:
      /startsAt: required; endsAt: required; createdBy: required, a string; comment: required/,
  },
  {
    name: 'a silence ending before it starts',
    url: '/api/v2/silences',
    payload: silenceBody({ a: 'b' }, { endsAt: '2024-05-31T00:00:00Z' }),
    status: 400,
    message: /^Failed to create silence: start time must be before end time$/,
  },
  {
    name: 'a silence ending in the past',
    url: '/api/v2/silences',
    payload: silenceBody(
      { a: 'b' },
      { startsAt: '2024-05-30T00:00:00Z', endsAt: '2024-05-31T00:00:00Z' },
    ),
    status: 400,
    message: /^Failed to create silence: end time can't be in the past$/,
  },
  {
    name: 'a silence with a bad matcher',
    url: '/api/v2/silences',
    payload: {
      ...silenceBody({}),
      matchers: [{ name: 'job', value: '(', isRegex: true }],
    },
    status: 400,
    // Alertmanager 0.25's words exactly.
    message:
      /^silence invalid: invalid label matcher 0: invalid regular expression "\(": error parsing regexp: missing closing \): `\(`$/,
  },
  {
    name: 'a silence matching everything',
    url: '/api/v2/silences',
    payload: { ...silenceBody({}), matchers: [{ name: 'job', value: '.*', isRegex: true }] },
    status: 400,
    message: /^silence invalid: at least one matcher must not match the empty string$/,
  },
  {
    name: 'a silence id that is not a UUID',
    method: 'GET',
    url: '/api/v2/silence/not-a-uuid',
    status: 422,
    code: 601,
    message: /^silenceID in path must be of type uuid: "not-a-uuid"$/,
  },
  {
    name: 'a path that does not exist',
    method: 'GET',
    url: '/api/v2/nothing',
    status: 404,
    message: /^path \/api\/v2\/nothing was not found$/,
  },
  {
    name: 'a method the path does not have',
    method: 'DELETE',
    url: '/api/v2/alerts',
    status: 405,
    message: /^method DELETE is not allowed, but \[GET,POST\] are$/,
  },
];

describe('bad input', () => {
  it.each(cases)('$name → $status', async (testCase) => {
    harness = await startServer();
    const method = testCase.method ?? 'POST';
    const response = await harness.inject({
      method,
      url: testCase.url ?? '/api/v2/alerts',
      ...(testCase.raw !== undefined
        ? { payload: testCase.raw, headers: { ...json, ...testCase.headers } }
        : testCase.payload !== undefined
          ? { payload: testCase.payload as object, headers: testCase.headers ?? {} }
          : {}),
    });
    expect(response.statusCode).toBe(testCase.status);
    const body = response.json();
    const message = typeof body === 'string' ? body : body.message;
    if (typeof body !== 'string') expect(body.code).toBe(testCase.code ?? testCase.status);
    expect(message).toMatch(testCase.message);
    // The server is still up and answering.
    expect((await harness.get('/-/healthy')).statusCode).toBe(200);
  });

  it('reads booleans as go-openapi does: unknown words are false, as Alertmanager', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'A' } }]);
    expect(await harness.json('/api/v2/alerts?active=maybe')).toEqual([]);
    expect(await harness.json('/api/v2/alerts?active=')).toHaveLength(1);
    expect(await harness.json('/api/v2/alerts?active=Yes')).toHaveLength(1);
  });

  it('answers 413 for a body over server.max_request_bytes, with the limit', async () => {
    harness = await startServer({
      configText:
        'route: { receiver: x }\nreceivers: [{ name: x }]\nserver: { max_request_bytes: 1KiB }\n',
    });
    const alerts = Array.from({ length: 40 }, (_, index) => ({
      labels: { alertname: `A${index}` },
    }));
    const response = await harness.post('/api/v2/alerts', alerts);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      code: 413,
      message: 'request body too large: the limit is 1024 bytes (server.max_request_bytes)',
    });
    expect(await harness.json('/api/v2/alerts')).toEqual([]);
    expect((await harness.post('/api/v2/alerts', alerts.slice(0, 5))).statusCode).toBe(200);
  });

  it('defaults the body limit to 10 MiB', async () => {
    harness = await startServer();
    const big = 'x'.repeat(10 * 1024 * 1024);
    const response = await harness.post('/api/v2/alerts', [{ labels: { alertname: big } }]);
    expect(response.statusCode).toBe(413);
  });

  it('caps the number of alerts per request', async () => {
    harness = await startServer({
      configText:
        'route: { receiver: x }\nreceivers: [{ name: x }]\nserver: { max_alerts_per_request: 3 }\n',
    });
    const alerts = Array.from({ length: 4 }, (_, index) => ({
      labels: { alertname: `A${index}` },
    }));
    const response = await harness.post('/api/v2/alerts', alerts);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatch(/too many alerts in one request: 4 \(the limit is 3/);
    expect(await harness.json('/api/v2/alerts')).toEqual([]);
  });

  it('answers 503 before start, and waits for a start in progress', async () => {
    harness = await startServer({ start: false });
    expect((await harness.get('/-/ready')).statusCode).toBe(503);
    const early = await harness.get('/api/v2/alerts');
    expect(early.statusCode).toBe(503);
    const starting = harness.server.start();
    const waiting = harness.post('/api/v2/alerts', [{ labels: { alertname: 'A' } }]);
    await starting;
    expect((await waiting).statusCode).toBe(200);
    expect((await harness.get('/-/ready')).statusCode).toBe(200);
  });
});

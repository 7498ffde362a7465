import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationSchema } from './duration.js';
import { ConfigError, PhoenixError } from './errors.js';
import type { ConfigIssue } from './errors.js';
import { formatPath, loadConfig, parseConfig } from './load-config.js';
import { yamlBoolean, yamlInt, yamlString } from './yaml-schemas.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

// A slice of Alertmanager's configuration, enough to exercise nesting, lists and strictness.
interface Route {
  receiver?: string | undefined;
  group_by?: string[] | undefined;
  group_wait?: number | undefined;
  group_interval?: number | undefined;
  repeat_interval?: number | undefined;
  matchers?: string[] | undefined;
  routes?: Route[] | undefined;
}

const routeSchema: z.ZodType<Route> = z
  .object({
    receiver: z.string().optional(),
    group_by: z.array(z.string()).optional(),
    group_wait: durationSchema.optional(),
    group_interval: durationSchema.optional(),
    repeat_interval: durationSchema.optional(),
    matchers: z.array(z.string()).optional(),
    get routes() {
      return z.array(routeSchema).optional();
    },
  })
  .strict();

const alertmanagerSchema = z
  .object({
    global: z.object({ resolve_timeout: durationSchema.optional() }).strict().optional(),
    route: routeSchema,
    receivers: z.array(
      z
        .object({
          name: z.string().min(1),
          pagerduty_configs: z
            .array(
              z.object({ service_key: z.string(), description: z.string().optional() }).strict(),
            )
            .optional(),
        })
        .strict(),
    ),
  })
  .strict();

const env = { PAGERDUTY_SERVICE_KEY: 'pd-secret-key' };

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error) && error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const issuesOf = (run: () => unknown): ConfigIssue[] => configErrorOf(run).issues;

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['route'], 'route'],
    [['route', 'routes', 2, 'group_wait'], 'route.routes[2].group_wait'],
    [['receivers', 0, 'pagerduty_configs', 1], 'receivers[0].pagerduty_configs[1]'],
    [[0, 'name'], '[0].name'],
    [['route', 'match', 'service.name'], 'route.match["service.name"]'],
    [['labels', 'has space', '2'], 'labels["has space"]["2"]'],
    [['group-wait'], 'group-wait'],
    [['a', ''], 'a[""]'],
    [['a', Symbol('s')], 'a[Symbol(s)]'],
  ] as [PropertyKey[], string][])('formats %j as %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('loadConfig', () => {
  it('reads, substitutes and validates a file', () => {
    const config = loadConfig({
      schema: alertmanagerSchema,
      file: fixture('alertmanager.yml'),
      env,
    });
    expect(config.route.group_wait).toBe(30_000);
    expect(config.route.repeat_interval).toBe(4 * 60 * 60 * 1000);
    expect(config.route.routes?.[0]?.group_wait).toBe(90_000);
    expect(config.global?.resolve_timeout).toBe(300_000);
    expect(config.receivers[0]?.pagerduty_configs?.[0]).toEqual({
      service_key: 'pd-secret-key',
      // A Go template's `$` is not a variable reference.
      description: '{{ $labels.alertname }} on {{ $labels.instance }}',
    });
  });

  it('reports a nested error with file, path and position, and every other issue too', () => {
    const file = fixture('alertmanager-invalid.yml');
    const error = configErrorOf(() =>
      loadConfig({ schema: alertmanagerSchema, file, env: {}, subject: 'alertmanager config' }),
    );
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.issues).toEqual([
      { file, path: 'route.routes[1].foo', message: 'unknown key "foo" (line 10, column 7)' },
      {
        file,
        path: 'route.routes[2].group_wait',
        message:
          'expected a duration such as 30s, 5m or 1h30m, got "5 minutes" (unknown unit " minutes") (line 12, column 19)',
      },
      {
        file,
        path: 'receivers[0].pagerduty_configs[0].service_key',
        message: 'environment variable PAGERDUTY_SERVICE_KEY is not set (line 16, column 22)',
      },
    ]);
    expect(error.message).toBe(
      [
        'invalid alertmanager config:',
        `  - ${file}: route.routes[1].foo: unknown key "foo" (line 10, column 7)`,
        `  - ${file}: route.routes[2].group_wait: expected a duration such as 30s, 5m or 1h30m, got "5 minutes" (unknown unit " minutes") (line 12, column 19)`,
        `  - ${file}: receivers[0].pagerduty_configs[0].service_key: environment variable PAGERDUTY_SERVICE_KEY is not set (line 16, column 22)`,
      ].join('\n'),
    );
  });

  it('reports a YAML syntax error with its position and stops there', () => {
    const file = fixture('syntax-error.yml');
    const issues = issuesOf(() => loadConfig({ schema: alertmanagerSchema, file, env }));
    expect(issues).toEqual([
      {
        file,
        path: '',
        message: 'invalid YAML: All mapping items must start at the same column (line 3, column 1)',
      },
    ]);
  });

  it('validates an empty file as {}', () => {
    const schema = z.object({ route: routeSchema.optional() });
    expect(loadConfig({ schema, file: fixture('empty.yml') })).toEqual({});
    expect(
      issuesOf(() => loadConfig({ schema: alertmanagerSchema, file: fixture('empty.yml') })),
    ).toEqual([
      expect.objectContaining({
        path: 'route',
        message: 'missing required value, expected a mapping',
      }),
      expect.objectContaining({
        path: 'receivers',
        message: 'missing required value, expected a list',
      }),
    ]);
  });

  it('reports a file it cannot read', () => {
    const file = fixture('does-not-exist.yml');
    const error = configErrorOf(() =>
      loadConfig({ schema: alertmanagerSchema, file, subject: 'test config' }),
    );
    expect(error.message.split('\n')[0]).toBe('invalid test config:');
    expect(error.issues).toEqual([
      { file, path: '', message: expect.stringMatching(/^cannot read: ENOENT: no such file/) },
    ]);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('prefers text over file, which then only names the source', () => {
    const schema = z.object({ a: z.number() });
    expect(loadConfig({ schema, text: 'a: 1', file: fixture('does-not-exist.yml') })).toEqual({
      a: 1,
    });
    expect(issuesOf(() => loadConfig({ schema, text: 'a: x', file: 'inline.yml' }))).toEqual([
      { file: 'inline.yml', path: 'a', message: 'expected a number, got "x" (line 1, column 4)' },
    ]);
  });

  it('needs a file or text', () => {
    const error = (() => {
      try {
        loadConfig({ schema: z.object({}) });
      } catch (caught) {
        return caught;
      }
    })();
    expect(PhoenixError.isInstance(error) && error.code).toBe('ERR_CONFIG_INVALID');
  });

  it('uses process.env by default', () => {
    const name = 'PHOENIX_LOAD_CONFIG_TEST_VALUE';
    process.env[name] = 'from-process';
    try {
      const schema = z.object({ value: z.string() });
      expect(loadConfig({ schema, text: `value: \${${name}}` })).toEqual({ value: 'from-process' });
    } finally {
      delete process.env[name];
    }
  });
});

describe('parseConfig: environment variables', () => {
  const schema = z.record(z.string(), z.unknown());

  it('substitutes string values anywhere in the document, but not keys', () => {
    const text = [
      'plain: ${A}',
      'quoted: "x-${A}"',
      // In flow collections `{` is syntax, so references there must be quoted.
      'list: ["${A}", "${B}"]',
      'block: |',
      '  line ${B}',
      '${A}: key stays',
      'escaped: $${A}',
      'number: 5',
    ].join('\n');
    expect(parseConfig(text, { schema, env: { A: 'a', B: 'b' } })).toEqual({
      plain: 'a',
      quoted: 'x-a',
      list: ['a', 'b'],
      block: 'line b\n',
      '${A}': 'key stays',
      escaped: '${A}',
      number: 5,
    });
  });

  it('never lets a value inject YAML structure', () => {
    const config = parseConfig('key: ${V}\nother: "${N}"', {
      schema,
      env: { V: 'a\nb: c', N: '42' },
    });
    expect(config).toEqual({ key: 'a\nb: c', other: '42' });
  });

  it('reports every missing variable with its path and position', () => {
    const text = [
      'a: ${ONE}',
      'nested:',
      '  list:',
      '    - ok',
      '    - "${TWO} and ${THREE}"',
      'again: ${ONE}',
    ].join('\n');
    expect(issuesOf(() => parseConfig(text, { schema, env: {}, file: 'x.yml' }))).toEqual([
      {
        file: 'x.yml',
        path: 'a',
        message: 'environment variable ONE is not set (line 1, column 4)',
      },
      {
        file: 'x.yml',
        path: 'nested.list[1]',
        message: 'environment variable TWO is not set (line 5, column 7)',
      },
      {
        file: 'x.yml',
        path: 'nested.list[1]',
        message: 'environment variable THREE is not set (line 5, column 7)',
      },
      {
        file: 'x.yml',
        path: 'again',
        message: 'environment variable ONE is not set (line 6, column 8)',
      },
    ]);
  });

  it('reports a missing variable once, not again as the schema error it causes', () => {
    const strict = z.object({ wait: durationSchema, other: z.number() });
    expect(
      issuesOf(() => parseConfig('wait: ${WAIT}\nother: x', { schema: strict, env: {} })),
    ).toEqual([
      { path: 'wait', message: 'environment variable WAIT is not set (line 1, column 7)' },
      { path: 'other', message: 'expected a number, got "x" (line 2, column 8)' },
    ]);
  });

  it('keeps substituted values out of error messages', () => {
    const strict = z.object({ token: z.string().regex(/^tok-/), wait: durationSchema });
    const error = configErrorOf(() =>
      parseConfig('token: "${TOKEN}"\nwait: ${WAIT}', {
        schema: strict,
        env: { TOKEN: 'super-secret', WAIT: 'hunter2' },
      }),
    );
    expect(error.message).not.toContain('super-secret');
    expect(error.message).not.toContain('hunter2');
    expect(error.issues.map((issue) => issue.message)).toEqual([
      'expected a string matching /^tok-/, got "${TOKEN}" (substituted value not shown) (line 1, column 8)',
      'expected a duration such as 30s, 5m or 1h30m, got "${WAIT}" (substituted value not shown) (line 2, column 7)',
    ]);
  });
});

describe('parseConfig: YAML', () => {
  const schema = z.record(z.string(), z.unknown());

  it('rejects duplicate keys with their position', () => {
    const issues = issuesOf(() =>
      parseConfig('route:\n  receiver: a\n  receiver: b\n', { schema, file: 'd.yml' }),
    );
    expect(issues).toEqual([
      {
        file: 'd.yml',
        path: '',
        message: 'invalid YAML: Map keys must be unique (line 3, column 3)',
      },
    ]);
  });

  it('rejects more than one document', () => {
    const issues = issuesOf(() => parseConfig('a: 1\n---\nb: 2\n', { schema }));
    expect(issues[0]?.message).toMatch(
      /^invalid YAML: Source contains multiple documents.*\(line 2, column 1\)$/,
    );
  });

  it('follows anchors, aliases and merge keys', () => {
    const text = 'defaults: &d {group_wait: 30s}\nroute:\n  <<: *d\n  receiver: a\n';
    expect(parseConfig(text, { schema })).toEqual({
      defaults: { group_wait: '30s' },
      route: { group_wait: '30s', receiver: 'a' },
    });
  });

  it('stops a document that expands aliases without bound', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const name = String.fromCharCode(98 + i);
      const previous = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    expect(issuesOf(() => parseConfig(lines.join('\n'), { schema }))[0]?.message).toMatch(
      /^invalid YAML: /,
    );
  });
});

describe('parseConfig: schema issues', () => {
  it('names each unknown key at its own path and points at the key', () => {
    const text =
      'route:\n  routes:\n    - receiver: a\n    - receiver: b\n      foo: 1\n      bar: 2\nreceivers: []\n';
    expect(issuesOf(() => parseConfig(text, { schema: alertmanagerSchema }))).toEqual([
      { path: 'route.routes[1].foo', message: 'unknown key "foo" (line 5, column 7)' },
      { path: 'route.routes[1].bar', message: 'unknown key "bar" (line 6, column 7)' },
    ]);
  });

  it('points a missing key at the nearest thing that exists', () => {
    const text = 'route: {}\nreceivers:\n  - pagerduty_configs: []\n';
    expect(issuesOf(() => parseConfig(text, { schema: alertmanagerSchema }))).toEqual([
      {
        path: 'receivers[0].name',
        message: 'missing required value, expected a string (line 3, column 5)',
      },
    ]);
  });

  it('says what was expected and what was found', () => {
    const schema = z.object({
      kind: z.enum(['slack', 'email']),
      exact: z.literal('v1'),
      port: z.number().int().min(1).max(65535),
      url: z.url(),
      name: z.string().min(3),
      tags: z.array(z.string()).max(1),
      step: z.number().multipleOf(5),
      flag: z.boolean(),
      nested: z.object({}),
    });
    const text = [
      'kind: pager',
      'exact: v2',
      'port: 70000',
      'url: not a url',
      'name: ab',
      'tags: [a, b]',
      'step: 7',
      'flag: "yes"',
      'nested: [1]',
    ].join('\n');
    expect(
      issuesOf(() => parseConfig(text, { schema })).map(
        (issue) => `${issue.path}: ${issue.message}`,
      ),
    ).toEqual([
      'kind: expected one of "slack", "email", got "pager" (line 1, column 7)',
      'exact: expected "v1", got "v2" (line 2, column 8)',
      'port: expected a number <= 65535, got the number 70000 (line 3, column 7)',
      'url: expected a valid url, got "not a url" (line 4, column 6)',
      'name: expected at least 3 characters, got 2 (line 5, column 7)',
      'tags: expected at most 1 item, got 2 (line 6, column 7)',
      'step: expected a multiple of 5, got the number 7 (line 7, column 7)',
      'flag: expected a boolean, got "yes" (line 8, column 7)',
      'nested: expected a mapping, got a list (line 9, column 9)',
    ]);
  });

  it('keeps a message the schema wrote itself', () => {
    const schema = z.object({ a: z.string().refine((value) => value === 'ok', 'must be ok') });
    expect(issuesOf(() => parseConfig('a: no', { schema }))).toEqual([
      { path: 'a', message: 'must be ok (line 1, column 4)' },
    ]);
  });

  it('explains unions by type, or by the branch that matched best', () => {
    const schema = z.object({
      value: z.union([z.string(), z.number()]),
      target: z.union([z.string(), z.object({ url: z.string() }).strict()]),
    });
    const text = 'value: true\ntarget:\n  url: 5\n';
    expect(issuesOf(() => parseConfig(text, { schema }))).toEqual([
      { path: 'value', message: 'expected a string or a number, got true (line 1, column 8)' },
      { path: 'target.url', message: 'expected a string, got the number 5 (line 3, column 8)' },
    ]);
  });

  it('explains a discriminated union by its discriminator', () => {
    const schema = z.object({
      notifier: z.discriminatedUnion('type', [
        z.object({ type: z.literal('slack'), channel: z.string() }),
        z.object({ type: z.literal('email'), to: z.string() }),
      ]),
    });
    expect(issuesOf(() => parseConfig('notifier:\n  type: pager\n', { schema }))).toEqual([
      {
        path: 'notifier.type',
        message: 'expected one of "slack", "email", got "pager" (line 2, column 9)',
      },
    ]);
  });

  it('points an invalid record key at the key', () => {
    const schema = z.object({ labels: z.record(z.string().regex(/^[a-z_]+$/), z.string()) });
    expect(
      issuesOf(() => parseConfig('labels:\n  ok: a\n  Bad-Key: b\n', { schema })),
    ).toStrictEqual([
      {
        path: 'labels.Bad-Key',
        message:
          'invalid key "Bad-Key": expected a string matching /^[a-z_]+$/, got "Bad-Key" (line 3, column 3)',
      },
    ]);
  });

  it('reports a root that is not a mapping', () => {
    expect(issuesOf(() => parseConfig('- a\n- b\n', { schema: alertmanagerSchema }))).toEqual([
      { path: '', message: 'expected a mapping, got a list (line 1, column 1)' },
    ]);
  });
});

describe("parseConfig: scalars: 'source'", () => {
  const schema = z.record(z.string(), z.unknown());
  const source = (text: string, env: Record<string, string> = {}) =>
    parseConfig(text, { schema, scalars: 'source', env });

  it('gives every scalar its text as written, as Go’s yaml.v2 does for a string field', () => {
    const text = [
      'version: 1.10',
      'code: 0500',
      'flag: True',
      'hex: 0x10',
      'exp: 1e3',
      'half: .5',
      'word: yes',
      'inf: .inf',
      'tagged: !!int 5',
      'date: 2024-01-01',
      'quoted: "1.10"',
      "single: '0500'",
      'block: |',
      '  1.10',
    ].join('\n');
    expect(source(text)).toEqual({
      version: '1.10',
      code: '0500',
      flag: 'True',
      hex: '0x10',
      exp: '1e3',
      half: '.5',
      word: 'yes',
      inf: '.inf',
      tagged: '5',
      date: '2024-01-01',
      quoted: '1.10',
      single: '0500',
      block: '1.10\n',
    });
  });

  it('keeps null for the null forms only, quoted ones being text', () => {
    expect(source('a: ~\nb: null\nc: NULL\nd:\ne: "null"\nf: [~, "~"]')).toEqual({
      a: null,
      b: null,
      c: null,
      d: null,
      e: 'null',
      f: [null, '~'],
    });
  });

  it('keeps keys as written, a null key being ""', () => {
    expect(source('match: {1.10: a, True: b, 0x1: c, ~: d}')).toEqual({
      match: { '1.10': 'a', True: 'b', '0x1': 'c', '': 'd' },
    });
  });

  it('follows anchors, aliases and merge keys', () => {
    const text = 'defaults: &d {wait: 1.10, on: yes}\nroute:\n  <<: *d\n  receiver: 0500\n';
    expect(source(text)).toEqual({
      defaults: { wait: '1.10', on: 'yes' },
      route: { wait: '1.10', on: 'yes', receiver: '0500' },
    });
  });

  it('substitutes variables, whose values stay text', () => {
    expect(source('a: ${A}\nb: "${A}"\nc: 1.10', { A: '0500' })).toEqual({
      a: '0500',
      b: '0500',
      c: '1.10',
    });
  });

  it('lets the schema type each value, with the yaml* schemas, and reports positions', () => {
    const typed = z.strictObject({ on: yamlBoolean(), count: yamlInt(), name: yamlString() });
    expect(
      parseConfig('on: Yes\ncount: 0x10\nname: 1.10', { schema: typed, scalars: 'source' }),
    ).toEqual({ on: true, count: 16, name: '1.10' });
    expect(
      issuesOf(() =>
        parseConfig('on: 1\ncount: many\nname: [a]', { schema: typed, scalars: 'source' }),
      ),
    ).toEqual([
      { path: 'on', message: 'expected a boolean, got "1" (line 1, column 5)' },
      { path: 'count', message: 'expected a number, got "many" (line 2, column 8)' },
      { path: 'name', message: 'expected a string, got a list (line 3, column 7)' },
    ]);
  });

  it('chooses per top-level key when given a function', () => {
    const text = 'alertmanager: {v: 1.10, b: true}\nphoenix: {v: 1.10, b: true}\n';
    const config = parseConfig(text, {
      schema,
      scalars: (key) => (key === 'phoenix' ? 'yaml-1.2' : 'source'),
    });
    expect(config).toEqual({
      alertmanager: { v: '1.10', b: 'true' },
      phoenix: { v: 1.1, b: true },
    });
  });

  it("decodes by YAML 1.2 by default ('yaml-1.2')", () => {
    expect(parseConfig('v: 1.10\nb: yes\nn: 0x10', { schema })).toEqual({
      v: 1.1,
      b: 'yes',
      n: 16,
    });
  });
});

import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  loadAlertmanagerConfig,
  parseAlertmanagerConfig,
} from '@phoenix-alerting/core';
import type { RouteMatch } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { createRouter, defaultRouteOptions } from './router.js';

const coreFixture = (name: string): string =>
  fileURLToPath(new URL(`../../core/src/__fixtures__/${name}`, import.meta.url));

/** A router for `route` (YAML, as under `route:`), declaring every receiver it names. */
function routerFor(route: string) {
  const receivers = [...new Set([...route.matchAll(/receiver: '?([\w-]+)/g)].map((m) => m[1]))];
  const text = `route:\n${route.replace(/^/gm, '  ')}\nreceivers:\n${receivers
    .map((name) => `  - name: ${name}\n`)
    .join('')}`;
  return createRouter(parseAlertmanagerConfig(text, { env: {} }).route);
}

const minutes = (n: number) => n * 60_000;
const def = defaultRouteOptions;

/** The settings part of a match, for comparison with Alertmanager's RouteOpts. */
const opts = (match: RouteMatch) => ({
  receiver: match.receiver,
  groupBy: match.groupBy,
  groupWaitMs: match.groupWaitMs,
  groupIntervalMs: match.groupIntervalMs,
  repeatIntervalMs: match.repeatIntervalMs,
});

// dispatch/route_test.go, TestRouteMatch: the same tree, label sets, settings and keys.
const testRouteMatchTree = `
receiver: 'notify-def'

routes:
- match:
    owner: 'team-A'

  receiver: 'notify-A'

  routes:
  - match:
      env: 'testing'

    receiver: 'notify-testing'
    group_by: [...]

  - match:
      env: "production"

    receiver: 'notify-productionA'
    group_wait: 1m

    continue: true

  - match_re:
      env: "produ.*"
      job: ".*"

    receiver: 'notify-productionB'
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 1h
    group_by: ['job']

- match_re:
    owner: 'team-(B|C)'

  group_by: ['foo', 'bar']
  group_wait: 2m
  receiver: 'notify-BC'

- match:
    group_by: 'role'
  group_by: ['role']

  routes:
  - match:
      env: 'testing'
    receiver: 'notify-testing'
    routes:
    - match:
        wait: 'long'
      group_wait: 2m
`;

// TestRouteMatchers: the same tree written with `matchers`, whose values are not anchored.
const testRouteMatchersTree = `
receiver: 'notify-def'

routes:
- matchers: ['{owner="team-A"}', '{level!="critical"}']

  receiver: 'notify-A'

  routes:
  - matchers: ['{env="testing"}', '{baz!~".*quux"}']

    receiver: 'notify-testing'
    group_by: [...]

  - matchers: ['{env="production"}']

    receiver: 'notify-productionA'
    group_wait: 1m

    continue: true

  - matchers: [ env=~"produ.*", job=~".*"]

    receiver: 'notify-productionB'
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 1h
    group_by: ['job']

- matchers: [owner=~"team-(B|C)"]

  group_by: ['foo', 'bar']
  group_wait: 2m
  receiver: 'notify-BC'

- matchers: [group_by="role"]
  group_by: ['role']

  routes:
  - matchers: ['{env="testing"}']
    receiver: 'notify-testing'
    routes:
    - matchers: [wait="long"]
      group_wait: 2m
`;

interface Case {
  labels: Record<string, string>;
  result: ReturnType<typeof opts>[];
  keys: string[];
}

function cases(a: string, teamBC: string, testing: string, productionB: string): Case[] {
  const base = { groupWaitMs: def.groupWaitMs, groupIntervalMs: def.groupIntervalMs };
  const defaults = { ...base, repeatIntervalMs: def.repeatIntervalMs };
  return [
    {
      labels: { owner: 'team-A' },
      result: [{ receiver: 'notify-A', groupBy: [], ...defaults }],
      keys: [`{}/${a}`],
    },
    {
      labels: { owner: 'team-A', env: 'unset' },
      result: [{ receiver: 'notify-A', groupBy: [], ...defaults }],
      keys: [`{}/${a}`],
    },
    {
      labels: { owner: 'team-C' },
      result: [
        { receiver: 'notify-BC', groupBy: ['foo', 'bar'], ...defaults, groupWaitMs: minutes(2) },
      ],
      keys: [`{}/${teamBC}`],
    },
    {
      labels: { owner: 'team-A', env: 'testing' },
      result: [{ receiver: 'notify-testing', groupBy: '...', ...defaults }],
      keys: [`{}/${a}/${testing}`],
    },
    {
      labels: { owner: 'team-A', env: 'production' },
      result: [
        { receiver: 'notify-productionA', groupBy: [], ...defaults, groupWaitMs: minutes(1) },
        {
          receiver: 'notify-productionB',
          groupBy: ['job'],
          groupWaitMs: 30_000,
          groupIntervalMs: minutes(5),
          repeatIntervalMs: minutes(60),
        },
      ],
      keys: [`{}/${a}/{env="production"}`, `{}/${a}/${productionB}`],
    },
    {
      labels: { group_by: 'role' },
      result: [{ receiver: 'notify-def', groupBy: ['role'], ...defaults }],
      keys: ['{}/{group_by="role"}'],
    },
    {
      labels: { env: 'testing', group_by: 'role' },
      result: [{ receiver: 'notify-testing', groupBy: ['role'], ...defaults }],
      keys: ['{}/{group_by="role"}/{env="testing"}'],
    },
    {
      labels: { env: 'testing', group_by: 'role', wait: 'long' },
      result: [
        { receiver: 'notify-testing', groupBy: ['role'], ...defaults, groupWaitMs: minutes(2) },
      ],
      keys: ['{}/{group_by="role"}/{env="testing"}/{wait="long"}'],
    },
  ];
}

describe('createRouter: Alertmanager dispatch/route_test.go', () => {
  describe('TestRouteMatch (match, match_re)', () => {
    const router = routerFor(testRouteMatchTree);
    it.each(
      cases(
        '{owner="team-A"}',
        '{owner=~"^(?:team-(B|C))$"}',
        '{env="testing"}',
        '{env=~"^(?:produ.*)$",job=~"^(?:.*)$"}',
      ),
    )('routes $labels', ({ labels, result, keys }) => {
      const matches = router.match(labels);
      expect(matches.map(opts)).toEqual(result);
      expect(matches.map((match) => match.routeKey)).toEqual(keys);
    });
  });

  describe('TestRouteMatchers (matchers)', () => {
    const router = routerFor(testRouteMatchersTree);
    it.each(
      cases(
        '{level!="critical",owner="team-A"}',
        '{owner=~"team-(B|C)"}',
        '{baz!~".*quux",env="testing"}',
        '{env=~"produ.*",job=~".*"}',
      ),
    )('routes $labels', ({ labels, result, keys }) => {
      const matches = router.match(labels);
      expect(matches.map(opts)).toEqual(result);
      expect(matches.map((match) => match.routeKey)).toEqual(keys);
    });
  });

  it('TestRouteMatchersAndMatch: match and matchers mixed in one tree', () => {
    const router = routerFor(
      testRouteMatchersTree
        .replace(`- matchers: ['{env="production"}']`, `- match:\n      env: "production"`)
        .replace('- matchers: [owner=~"team-(B|C)"]', "- match_re:\n    owner: 'team-(B|C)'"),
    );
    expect(router.match({ owner: 'team-C' }).map((match) => match.routeKey)).toEqual([
      '{}/{owner=~"^(?:team-(B|C))$"}',
    ]);
    expect(router.match({ owner: 'team-A', env: 'production' }).map(opts)).toEqual(
      cases('', '', '', '')[4]!.result,
    );
  });

  it('TestRouteWalk: visits depth-first, parents first, with inherited receivers', () => {
    const router = routerFor(testRouteMatchTree);
    const receivers: string[] = [];
    router.walk((node) => receivers.push(node.route.receiver));
    expect(receivers).toEqual([
      'notify-def',
      'notify-A',
      'notify-testing',
      'notify-productionA',
      'notify-productionB',
      'notify-BC',
      'notify-def',
      'notify-testing',
      'notify-testing',
    ]);
  });

  it('TestInheritParentGroupByAll: group_by [...] is inherited until a child sets labels', () => {
    const router = routerFor(`
receiver: default
routes:
- match:
    env: 'parent'
  group_by: ['...']
  routes:
  - match:
      env: 'child1'
  - match:
      env: 'child2'
    group_by: ['foo']
`);
    const [parent] = router.root.children;
    expect(parent!.route.groupBy).toBe('...');
    expect(parent!.children.map((child) => child.route.groupBy)).toEqual(['...', ['foo']]);
  });
});

describe('createRouter: matching', () => {
  it('follows the first matching child only, unless it has continue', () => {
    const router = routerFor(`
receiver: root
routes:
  - matchers: [team="a"]
    receiver: a1
  - matchers: [team="a"]
    receiver: a2
  - matchers: [team=~"a|b"]
    receiver: ab
    continue: true
  - matchers: [team=~"a|b|c"]
    receiver: abc
`);
    expect(router.match({ team: 'a' }).map((match) => match.receiver)).toEqual(['a1']);
    expect(router.match({ team: 'b' }).map((match) => match.receiver)).toEqual(['ab', 'abc']);
    expect(router.match({ team: 'c' }).map((match) => match.receiver)).toEqual(['abc']);
    expect(router.match({ team: 'd' }).map((match) => match.receiver)).toEqual(['root']);
  });

  it('matches a parent itself when none of its children match', () => {
    const router = routerFor(`
receiver: root
routes:
  - matchers: [service="db"]
    receiver: db
    routes:
      - matchers: [severity="critical"]
        receiver: db-pager
`);
    expect(router.matchNodes({ service: 'db' }).map((node) => node.matchersText)).toEqual([
      '{service="db"}',
    ]);
    const [pager] = router.matchNodes({ service: 'db', severity: 'critical' });
    expect(pager!.route.receiver).toBe('db-pager');
    expect(pager!.parent!.parent).toBe(router.root);
  });

  it('reads a missing label as the empty string', () => {
    const router = routerFor(`
receiver: root
routes:
  - matchers: [env=""]
    receiver: no-env
  - matchers: [env!="prod"]
    receiver: not-prod
`);
    expect(router.match({ alertname: 'x' })[0]!.receiver).toBe('no-env');
    expect(router.match({ env: 'dev' })[0]!.receiver).toBe('not-prod');
    expect(router.match({ env: 'prod' })[0]!.receiver).toBe('root');
    // An inherited property is not a label.
    expect(router.match({ env: 'prod', constructor: 'x' })[0]!.receiver).toBe('root');
  });

  it('anchors match_re as Alertmanager does', () => {
    const router = routerFor(`
receiver: root
routes:
  - match_re: {service: 'api|web'}
    receiver: frontends
`);
    expect(router.match({ service: 'web' })[0]!.receiver).toBe('frontends');
    expect(router.match({ service: 'webapp' })[0]!.receiver).toBe('root');
  });

  it('returns the same frozen match objects on every call', () => {
    const router = routerFor('receiver: root');
    const [first] = router.match({ a: 'b' });
    expect(router.match({ c: 'd' })[0]).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({
      receiver: 'root',
      groupBy: [],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      muteTimeIntervals: [],
      activeTimeIntervals: [],
      routeKey: '{}',
      routeId: '{}',
    });
  });
});

describe('createRouter: settings', () => {
  const router = createRouter({
    receiver: 'root',
    group_by: ['alertname'],
    group_interval: 60_000,
    routes: [
      {
        match: { team: 'a' },
        group_by: [],
        mute_time_intervals: ['nights'],
        active_time_intervals: ['weekdays'],
        routes: [{ match: { severity: 'page' }, receiver: 'pager', repeat_interval: 600_000 }],
      },
      { match: { team: 'b' }, group_by: ['cluster', 'cluster'], group_wait: 0 },
    ],
  });

  it('inherits receiver, group_by and timers; an empty group_by inherits too', () => {
    const [teamA] = router.match({ team: 'a' });
    expect(teamA).toMatchObject({
      receiver: 'root',
      groupBy: ['alertname'],
      groupIntervalMs: 60_000,
    });
    const [pager] = router.match({ team: 'a', severity: 'page' });
    expect(pager).toMatchObject({
      receiver: 'pager',
      groupBy: ['alertname'],
      groupWaitMs: 30_000,
      groupIntervalMs: 60_000,
      repeatIntervalMs: 600_000,
    });
  });

  it('does not inherit mute_time_intervals or active_time_intervals', () => {
    expect(router.match({ team: 'a' })[0]).toMatchObject({
      muteTimeIntervals: ['nights'],
      activeTimeIntervals: ['weekdays'],
    });
    expect(router.match({ team: 'a', severity: 'page' })[0]).toMatchObject({
      muteTimeIntervals: [],
      activeTimeIntervals: [],
    });
  });

  it('keeps a zero group_wait and drops duplicate group_by labels', () => {
    expect(router.match({ team: 'b' })[0]).toMatchObject({ groupWaitMs: 0, groupBy: ['cluster'] });
  });

  it('takes other root defaults from the options', () => {
    const custom = createRouter(
      { receiver: 'root', routes: [{ receiver: 'child', group_wait: 5_000 }] },
      { defaults: { groupWaitMs: 10_000, groupBy: '...' } },
    );
    expect(custom.root.route).toMatchObject({ groupWaitMs: 10_000, groupBy: '...' });
    expect(custom.match({})[0]).toMatchObject({ receiver: 'child', groupWaitMs: 5_000 });
  });
});

describe('createRouter: tree inspection', () => {
  const router = routerFor(testRouteMatchTree);

  it('gives each node its depth, matchers, continue and resolved receiver', () => {
    expect(
      router.routeTree().map((node) => [node.depth, node.matchersText, node.continue]),
    ).toEqual([
      [0, '{}', false],
      [1, '{owner="team-A"}', false],
      [2, '{env="testing"}', false],
      [2, '{env="production"}', true],
      [2, '{env=~"^(?:produ.*)$",job=~"^(?:.*)$"}', false],
      [1, '{owner=~"^(?:team-(B|C))$"}', false],
      [1, '{group_by="role"}', false],
      [2, '{env="testing"}', false],
      [3, '{wait="long"}', false],
    ]);
  });

  it("gives Alertmanager's route IDs: the key plus the position among siblings", () => {
    expect(router.routeTree().map((node) => node.route.routeId)).toEqual([
      '{}',
      '{}/{owner="team-A"}/0',
      '{}/{owner="team-A"}/{env="testing"}/0',
      '{}/{owner="team-A"}/{env="production"}/1',
      '{}/{owner="team-A"}/{env=~"^(?:produ.*)$",job=~"^(?:.*)$"}/2',
      '{}/{owner=~"^(?:team-(B|C))$"}/1',
      '{}/{group_by="role"}/2',
      '{}/{group_by="role"}/{env="testing"}/0',
      '{}/{group_by="role"}/{env="testing"}/{wait="long"}/0',
    ]);
  });

  it('sorts matchers by name, value, then operator, and escapes values as Alertmanager', () => {
    const sorted = routerFor(`
receiver: root
routes:
  - matchers: ['svc=~"a|b"', 'zz!="q\\"uote\\\\back"', 'aa!~"ü.*"']
    receiver: r2
    routes:
      - matchers: ['env="prod"', 'env!~"x"', 'env=~"prod"']
        receiver: r3
`);
    // Group keys Alertmanager 0.25 sent to a webhook for this tree.
    expect(sorted.match({ svc: 'b', env: 'prod' })[0]!.routeKey).toBe(
      '{}/{aa!~"ü.*",svc=~"a|b",zz!="q\\"uote\\\\back"}/{env="prod",env=~"prod",env!~"x"}',
    );
  });
});

describe('createRouter: the spec and the Alertmanager example', () => {
  it('routes by severity as section 7 of the spec says', () => {
    const config = loadAlertmanagerConfig(coreFixture('phoenix-spec.yml'), {
      env: {
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/X',
        PAGERDUTY_SERVICE_KEY: 'pd-key',
        PAGERDUTY_API_TOKEN: 'pd-token',
        PD_DEFAULT_ESCALATION_POLICY: 'P1',
        PD_CRITICAL_ESCALATION_POLICY: 'P2',
        PD_PLATFORM_SERVICE_ID: 'S1',
        PD_BACKEND_SERVICE_ID: 'S2',
      },
    });
    const router = createRouter(config.route);
    const route = (severity: string) => router.match({ alertname: 'X', severity });
    expect(route('critical')).toEqual([
      expect.objectContaining({
        receiver: 'pagerduty-critical',
        groupBy: ['alertname', 'category', 'team'],
        groupWaitMs: 0,
        groupIntervalMs: 300_000,
        repeatIntervalMs: 1_800_000,
        routeKey: '{}/{severity="critical"}',
      }),
    ]);
    expect(route('warning')[0]).toMatchObject({
      receiver: 'pagerduty-warning',
      repeatIntervalMs: 7_200_000,
    });
    expect(route('info')[0]).toMatchObject({ receiver: 'slack-info', groupWaitMs: 60_000 });
    expect(route('page')[0]).toMatchObject({ receiver: 'default', routeKey: '{}' });
  });

  it.each([
    [{ service: 'foo1' }, ['team-X-mails']],
    [{ service: 'foo2', severity: 'critical' }, ['team-X-pager']],
    [{ service: 'files', severity: 'critical' }, ['team-Y-pager']],
    [{ service: 'database' }, ['team-DB-pager']],
    [{ service: 'database', owner: 'team-X' }, ['team-X-pager']],
    [{ service: 'database', owner: 'team-Y' }, ['team-Y-pager']],
    [{ service: 'other' }, ['team-X-mails']],
  ])('routes %o in doc/examples/simple.yml as amtool does', (labels, receivers) => {
    const config = loadAlertmanagerConfig(coreFixture('alertmanager-simple.yml'));
    expect(
      createRouter(config.route)
        .match(labels)
        .map((match) => match.receiver),
    ).toEqual(receivers);
  });
});

describe('createRouter: invalid trees', () => {
  it('rejects a root route without a receiver or with matchers', () => {
    const run = () => createRouter({ match: { a: 'b' } });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/root route must specify a default receiver/);
    expect(run).toThrow(/root route must not have any matchers/);
  });
});

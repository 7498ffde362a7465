// Random Alertmanager routing trees and label sets for the differential test against amtool.
// Everything comes from a seeded PRNG so that a failure names a seed that reproduces it.
import { seededRandom } from '@phoenix-alerting/core/testing';

/** Draws from core's seeded mulberry32: small, fast, good enough to explore configurations. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function createRandom(seed: number): Random {
  const next = seededRandom(seed);
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    chance: (probability) => next() < probability,
  };
}

/** A route as it is written in alertmanager.yml. */
export interface RouteConfig {
  receiver?: string;
  continue?: boolean;
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers?: string[];
  group_by?: string[];
  routes?: RouteConfig[];
}

export interface RandomConfig {
  route: RouteConfig;
  receivers: { name: string }[];
}

/** Receiver names; `team-db` checks a name with a dash. */
export const RECEIVERS = ['r0', 'r1', 'r2', 'r3', 'team-db'] as const;

// `absent` is never given a value by the label sets: matchers on it test absent labels.
const LABEL_NAMES = ['severity', 'team', 'env', 'service', 'absent'] as const;
const PRESENT_NAMES = LABEL_NAMES.filter((name) => name !== 'absent');
/** Label values: the empty string, case, dots, spaces, a `|`, quotes, a newline, non-ASCII. */
const VALUES = [
  'a',
  'b',
  'c',
  'ab',
  'a.b',
  'A',
  'x y',
  'é',
  '🔥',
  'b|c',
  'q"\\',
  'x\ny',
  '',
] as const;
/** Regexes valid in both Go RE2 and re2js: alternations, empty, classes, flags, escapes. */
const REGEXES = [
  'a|b',
  'a',
  '.*',
  '.+',
  '',
  'a.*',
  '(a|c)',
  '[ab]',
  'b+',
  'a|',
  'A|ab',
  'a\\.b',
  '(?i)a',
  '[^a]*',
  'ab?',
  'é|x y',
  'b\\|c',
  'c|b|a',
  '.',
  '..',
  '\\pL+',
  '[[:alpha:]]+',
  '(?s).*y',
  '\\w{1,2}',
  'x\\sy',
] as const;
const OPERATORS = ['=', '!=', '=~', '!~'] as const;
type Operator = (typeof OPERATORS)[number];

const MAX_DEPTH = 4;

/** A label a route's path needs, so that targeted label sets reach deep routes. */
interface Hint {
  name: string;
  value: string;
}

interface Node {
  route: RouteConfig;
  /** Equality requirements from the root to this route. */
  hints: Hint[];
}

/** A random configuration, and the label hints of each route to aim label sets at. */
export function randomConfig(random: Random): { config: RandomConfig; nodes: Node[] } {
  const nodes: Node[] = [];
  const build = (depth: number, parentHints: Hint[]): RouteConfig => {
    const route: RouteConfig = {};
    const hints = [...parentHints];
    if (depth > 0) addMatchers(random, route, hints);
    if (depth === 0 || random.chance(0.55)) route.receiver = random.pick(RECEIVERS);
    // An empty receiver inherits, like an absent one.
    else if (random.chance(0.05)) route.receiver = '';
    if (depth > 0 && random.chance(0.35)) route.continue = true;
    if (depth > 0 && random.chance(0.1)) route.continue = false;
    if (random.chance(0.15)) route.group_by = [random.pick(PRESENT_NAMES)];
    nodes.push({ route, hints });
    const children =
      depth >= MAX_DEPTH ? 0 : depth === 0 ? 2 + random.int(3) : random.pick([0, 0, 1, 1, 2, 3]);
    if (children > 0) {
      route.routes = Array.from({ length: children }, () => build(depth + 1, hints));
    } else if (random.chance(0.05)) {
      route.routes = [];
    }
    return route;
  };
  const route = build(0, []);
  return { config: { route, receivers: RECEIVERS.map((name) => ({ name })) }, nodes };
}

function addMatchers(random: Random, route: RouteConfig, hints: Hint[]): void {
  // Sometimes none: a catch-all child.
  if (random.chance(0.1)) return;
  const forms = random.chance(0.7) ? 1 : 2;
  for (let i = 0; i < forms; i++) {
    switch (random.pick(['match', 'match_re', 'matchers', 'matchers'] as const)) {
      case 'match': {
        const name = random.pick(LABEL_NAMES);
        const value = random.pick(VALUES);
        (route.match ??= {})[name] = value;
        hints.push({ name, value });
        break;
      }
      case 'match_re': {
        const name = random.pick(LABEL_NAMES);
        const regex = random.pick(REGEXES);
        (route.match_re ??= {})[name] = regex;
        const literal = firstLiteral(regex);
        if (literal !== undefined) hints.push({ name, value: literal });
        break;
      }
      case 'matchers': {
        const count = random.chance(0.2) ? 2 : 1;
        const parts: string[] = [];
        for (let j = 0; j < count; j++) {
          const name = random.pick(LABEL_NAMES);
          const operator = random.pick(OPERATORS);
          const value = operator.endsWith('~') ? random.pick(REGEXES) : random.pick(VALUES);
          parts.push(formatMatcher(random, name, operator, value));
          if (operator === '=') hints.push({ name, value });
          if (operator === '=~') {
            const literal = firstLiteral(value);
            if (literal !== undefined) hints.push({ name, value: literal });
          }
        }
        // Several matchers in one string, sometimes in braces, as ParseMatchers allows.
        let text = parts.join(random.pick([',', ', ']));
        if (random.chance(0.1)) text = `{${text}}`;
        (route.matchers ??= []).push(text);
        break;
      }
    }
  }
}

/** A value matching a regex that is a plain alternation of literals, if it is one. */
function firstLiteral(regex: string): string | undefined {
  if (/[\\.+*?()[\]{}^$]/.test(regex)) return undefined;
  return regex.split('|')[0];
}

const SIMPLE = /^[A-Za-z0-9_.]+$/;

/** `name="value"` in one of the spellings Alertmanager's parser accepts. */
function formatMatcher(random: Random, name: string, operator: Operator, value: string): string {
  const spaced = random.chance(0.15);
  const op = spaced ? ` ${operator} ` : operator;
  if (SIMPLE.test(value) && random.chance(0.3)) return `${name}${op}${value}`;
  return `${name}${op}"${escapeValue(value)}"`;
}

function escapeValue(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`));
}

/**
 * A label set as command-line arguments: random names and values, or (half the time) the
 * equality requirements of a random route's path, so that deep routes are reached too.
 */
export function randomLabelArguments(random: Random, nodes: readonly Node[]): string[] {
  const labels = new Map<string, string>();
  if (random.chance(0.5)) {
    for (const hint of random.pick(nodes).hints) labels.set(hint.name, hint.value);
  }
  const extra = random.int(3);
  for (let i = 0; i < extra; i++) labels.set(random.pick(PRESENT_NAMES), random.pick(VALUES));
  return [...labels].map(([name, value]) => formatLabel(random, name, value));
}

function formatLabel(random: Random, name: string, value: string): string {
  if ((SIMPLE.test(value) || value === '') && random.chance(0.6)) return `${name}=${value}`;
  return `${name}="${escapeValue(value)}"`;
}

/**
 * The best of `attempts` random label sets by `score` (e.g. how deep the router took it): random
 * label sets rarely satisfy every matcher down a path, so this steers the search to deep routes
 * and `continue` chains. The chosen set is still compared with amtool like any other.
 */
export function guidedLabelArguments(
  random: Random,
  nodes: readonly Node[],
  score: (args: string[]) => number,
  attempts = 25,
): string[] {
  let best = randomLabelArguments(random, nodes);
  let bestScore = score(best);
  for (let i = 1; i < attempts; i++) {
    const candidate = randomLabelArguments(random, nodes);
    const candidateScore = score(candidate);
    if (candidateScore > bestScore) {
      best = candidate;
      bestScore = candidateScore;
    }
  }
  return best;
}

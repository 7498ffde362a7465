import type { Clock } from '@phoenix-alerting/core';
import type { CheckResult, CheckRunner } from './check-result.js';
import { sendHttpRequest, safeUrl } from './http-request.js';
import { defaults } from './options.js';
import type { FunctionCheckConfig, ScoreCheckConfig } from './options.js';
import { formatStatusRanges, parseStatusRanges, statusMatches } from './status-ranges.js';

/** Builds the run of a `function` check from what the function returns. */
export function functionCheck(config: FunctionCheckConfig): CheckRunner {
  return async (signal) => {
    const result = await config.run(signal);
    if (typeof result === 'boolean')
      return { ok: result, message: result ? 'check passed' : 'check failed' };
    if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean')
      return { ok: false, message: 'check returned neither a boolean nor { ok: boolean }' };
    return {
      ok: result.ok,
      message: result.message ?? (result.ok ? 'check passed' : 'check failed'),
      ...(typeof result.value === 'number' && { value: result.value }),
    };
  };
}

/** Reads a dotted path (`agents.score`, `items.0.value`) from parsed JSON. */
function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The score in a body: a bare number, or the number at `field` of a JSON body. */
export function scoreFromBody(body: string, field: string | undefined): number {
  if (field === undefined) {
    const text = body.trim();
    const score = text === '' ? Number.NaN : Number(text);
    if (Number.isNaN(score))
      throw new Error('the body is not a number (set field for a JSON body)');
    return score;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`the body is not JSON, cannot read field ${JSON.stringify(field)}`);
  }
  const found = pick(parsed, field);
  const score = typeof found === 'string' && found.trim() !== '' ? Number(found) : found;
  if (typeof score !== 'number' || Number.isNaN(score))
    throw new Error(`field ${JSON.stringify(field)} of the body is not a number`);
  return score;
}

function readHttpScore(http: NonNullable<ScoreCheckConfig['http']>, clock: Clock) {
  const expected = parseStatusRanges(http.expectedStatus ?? ['2xx']);
  return async (signal: AbortSignal): Promise<number> => {
    const response = await sendHttpRequest(
      http,
      clock,
      signal,
      http.maxBodyBytes ?? defaults.maxBodyBytes,
    );
    if (!statusMatches(expected, response.status))
      throw new Error(
        `${safeUrl(http.url)}: status ${response.status}, expected ${formatStatusRanges(expected)}`,
      );
    return scoreFromBody(response.body, http.field);
  };
}

/**
 * Builds the run of a `score` check (the spec's `AgentUnhealthy`: `agent_health_score < 0.8`):
 * it fails when the score is below `below` or above `above`, or cannot be read.
 */
export function scoreCheck(config: ScoreCheckConfig, clock: Clock): CheckRunner {
  const read = config.read ?? readHttpScore(config.http!, clock);
  return async (signal): Promise<CheckResult> => {
    const score = await read(signal);
    if (typeof score !== 'number' || Number.isNaN(score))
      return { ok: false, message: `score is not a number: ${String(score)}` };
    if (config.below !== undefined && score < config.below)
      return { ok: false, value: score, message: `score ${score} is below ${config.below}` };
    if (config.above !== undefined && score > config.above)
      return { ok: false, value: score, message: `score ${score} is above ${config.above}` };
    return { ok: true, value: score, message: `score ${score}` };
  };
}

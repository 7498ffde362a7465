import { compileGoRegexp, formatDuration } from '@phoenix-alerting/core';
import type { Clock } from '@phoenix-alerting/core';
import type { CheckResult, CheckRunner } from './check-result.js';
import { sendHttpRequest } from './http-request.js';
import { defaults } from './options.js';
import type { HttpCheckConfig } from './options.js';
import { formatStatusRanges, parseStatusRanges, statusMatches } from './status-ranges.js';

const DAY_MS = 24 * 60 * 60_000;

/** Builds the run of an `http` check: status, body, latency and certificate expiry, in that order. */
export function httpCheck(config: HttpCheckConfig, clock: Clock): CheckRunner {
  const expected = parseStatusRanges(config.expectedStatus ?? ['2xx']);
  const bodyRegexp =
    config.bodyMatches === undefined ? undefined : compileGoRegexp(config.bodyMatches);
  const expiryWarningDays = config.tls?.expiryWarningDays;
  return async (signal): Promise<CheckResult> => {
    const response = await sendHttpRequest(
      config,
      clock,
      signal,
      config.maxBodyBytes ?? defaults.maxBodyBytes,
    );
    const failures: string[] = [];
    if (!statusMatches(expected, response.status))
      failures.push(`status ${response.status}, expected ${formatStatusRanges(expected)}`);
    if (config.bodyContains !== undefined && !response.body.includes(config.bodyContains))
      failures.push(`body does not contain ${JSON.stringify(config.bodyContains)}`);
    if (bodyRegexp && !bodyRegexp.matcher(response.body).find())
      failures.push(`body does not match ${JSON.stringify(config.bodyMatches)}`);
    if (config.maxLatencyMs !== undefined && response.latencyMs > config.maxLatencyMs)
      failures.push(
        `took ${formatDuration(response.latencyMs)}, more than ${formatDuration(config.maxLatencyMs)}`,
      );
    if (expiryWarningDays !== undefined && response.certificateExpiresAt !== undefined) {
      const left = response.certificateExpiresAt - clock.now();
      if (left < expiryWarningDays * DAY_MS) {
        const when = new Date(response.certificateExpiresAt).toISOString();
        failures.push(
          left <= 0
            ? `certificate expired at ${when}`
            : `certificate expires at ${when}, in ${(left / DAY_MS).toFixed(1)} days (warning at ${expiryWarningDays})`,
        );
      }
    }
    const latency = formatDuration(response.latencyMs);
    return failures.length > 0
      ? { ok: false, message: failures.join('; ') }
      : { ok: true, message: `status ${response.status} in ${latency}` };
  };
}

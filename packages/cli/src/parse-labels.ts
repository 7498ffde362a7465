import { parseMatcher } from '@phoenix-alerting/core';
import type { Labels } from '@phoenix-alerting/core';
import { CliError } from './io.js';

/**
 * Turns `name=value` arguments into a label set as `amtool config routes test` does (Alertmanager
 * 0.25 `parseLabels`): each is parsed as a matcher, so `name="quoted, value"` works too, and
 * only `=` is allowed. A later argument for the same name wins; `name=` sets an empty value,
 * which matches like an absent label.
 * @throws CliError `Failed to parse labels: …` with Alertmanager's parser message.
 */
export function parseLabelArguments(args: readonly string[]): Labels {
  // No prototype: `__proto__=x` is a label like any other.
  const labels = Object.create(null) as Record<string, string>;
  for (const arg of args) {
    let matcher;
    try {
      matcher = parseMatcher(arg);
    } catch (error) {
      throw new CliError(`Failed to parse labels: ${(error as Error).message}`);
    }
    if (matcher.type !== '=') {
      throw new CliError('Failed to parse labels: labels must be specified as key=value pairs');
    }
    labels[matcher.name] = matcher.value;
  }
  return labels;
}

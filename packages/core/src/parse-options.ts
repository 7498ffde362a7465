import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { formatPath } from './load-config.js';

/**
 * Validates a plugin factory's options with its zod schema. Invalid options throw one
 * `ConfigError` headed by `subject` (e.g. `processor-dedup options`) that names every bad path;
 * an unknown option is reported by name.
 */
export function parseOptions<Schema extends z.ZodType>(
  schema: Schema,
  options: unknown,
  subject: string,
): z.output<Schema> {
  return parseWith(
    schema as z.ZodType<z.output<Schema>, unknown>,
    options ?? {},
    subject,
    'option',
  );
}

/**
 * Validates one configuration entry (e.g. a `webhook_configs` item, or a `pagerduty:` section)
 * with its zod schema. Invalid input throws one `ConfigError` headed by `subject` (e.g.
 * `webhook notifier config`) that names every bad path and reports an unknown key as
 * `unknown field "name"`. The schema's messages must not quote values: a URL, a key or a password
 * may be the bad value.
 */
export function parseConfigEntry<T>(
  schema: z.ZodType<T, unknown>,
  input: unknown,
  subject: string,
): T {
  return parseWith(schema, input, subject, 'field');
}

function parseWith<T>(
  schema: z.ZodType<T, unknown>,
  input: unknown,
  subject: string,
  keyWord: string,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown ${keyWord} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
          : issue.message,
    })),
    { subject },
  );
}

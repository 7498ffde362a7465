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
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
          : issue.message,
    })),
    { subject },
  );
}

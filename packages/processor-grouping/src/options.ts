import { ConfigError } from '@phoenix-alerting/core';
import { z } from 'zod';

/** Options of {@link createGroupingDispatcher}. */
export const groupingDispatcherOptionsSchema = z
  .object({
    /**
     * Saves each group's state to `store.groups` when it is created, after each flush and at
     * `stop`, and deletes it when the group is removed, so that `restore` can resume it after a
     * restart. Default `true`.
     */
    persist: z.boolean().optional(),
  })
  .strict();

export type GroupingDispatcherOptions = z.input<typeof groupingDispatcherOptionsSchema>;

/** Validates options, throwing one `ConfigError` that names every bad path. */
export function parseGroupingDispatcherOptions(
  options: unknown,
): Required<z.output<typeof groupingDispatcherOptionsSchema>> {
  const result = groupingDispatcherOptionsSchema.safeParse(options ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message:
          issue.code === 'unrecognized_keys'
            ? `unknown option ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
            : issue.message,
      })),
      { subject: '@phoenix-alerting/processor-grouping options' },
    );
  }
  return { persist: result.data.persist ?? true };
}

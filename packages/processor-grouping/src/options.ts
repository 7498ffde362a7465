import { parseOptions } from '@phoenix-alerting/core';
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
  const parsed = parseOptions(
    groupingDispatcherOptionsSchema,
    options,
    '@phoenix-alerting/processor-grouping options',
  );
  return { persist: parsed.persist ?? true };
}

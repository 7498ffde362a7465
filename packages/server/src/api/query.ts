// Query parameters of the API v2 read endpoints, parsed as go-openapi and Alertmanager parse them.
import { parseMatcher } from '@phoenix-alerting/core';
import type { Matcher } from '@phoenix-alerting/core';
import { RE2JS } from 're2js';

/** A client error: the API answers 400 with the message as a JSON string, as Alertmanager. */
export class BadRequest extends Error {
  /** `true` for errors go-openapi reports as `{code, message}` rather than a bare string. */
  constructor(
    message: string,
    readonly framework = false,
  ) {
    super(message);
    this.name = 'BadRequest';
  }
}

type QueryValue = string | string[] | undefined;

// swag.ConvertBool's vocabulary: anything else reads as false, without an error.
const TRUE = new Set(['true', '1', 'yes', 'ok', 'y', 'on', 'selected', 'checked', 't', 'enabled']);

/**
 * A boolean query parameter as go-openapi binds it: absent or empty gives the default, a value of
 * swag.ConvertBool's true vocabulary gives true, anything else false (Alertmanager answers 200
 * to `active=maybe`, with active alerts hidden). The last value wins when repeated.
 */
export function booleanParam(query: Record<string, QueryValue>, name: string, fallback: boolean) {
  const raw = query[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined || value === '') return fallback;
  return TRUE.has(value.toLowerCase());
}

/** Every value of a repeated query parameter (`collectionFormat: multi`). */
export function listParam(query: Record<string, QueryValue>, name: string): string[] {
  const raw = query[name];
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}

/** Alertmanager's `parseFilter`: each `filter` value is one matcher (`alertname="X"`). */
export function parseFilter(query: Record<string, QueryValue>): Matcher[] {
  return listParam(query, 'filter').map((text) => {
    try {
      return parseMatcher(text);
    } catch (error) {
      throw new BadRequest(error instanceof Error ? error.message : String(error));
    }
  });
}

/** The `receiver` parameter, a regex anchored as `^(?:…)$` (RE2, so linear time). */
export function parseReceiverFilter(
  query: Record<string, QueryValue>,
): ((receiver: string) => boolean) | undefined {
  const raw = query.receiver;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(`^(?:${value})$`);
  } catch (error) {
    throw new BadRequest(
      `failed to parse receiver param: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (receiver) => regex.test(receiver);
}

/**
 * Alertmanager's `matchFilterLabels`: unlike routing, `name=""` matches only where the label is
 * absent, and `name!=""` only where it is present.
 */
export function matchFilterLabels(
  matchers: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const matcher of matchers) {
    const present = Object.hasOwn(labels, matcher.name);
    const value = present ? labels[matcher.name]! : '';
    const negative = matcher.type === '!=' || matcher.type === '!~';
    if (matcher.value === '' && (negative ? present : !present)) continue;
    if (!matcher.matches(value)) return false;
  }
  return true;
}

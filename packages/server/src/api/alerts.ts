// `/api/v2/alerts` and `/api/v2/alerts/groups`: Alertmanager 0.25's getAlertsHandler,
// postAlertsHandler and getAlertGroupsHandler (api/v2/api.go).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PhoenixError } from '@phoenix-alerting/core';
import type { Alert, AlertInput, AlertMark, EmitResult, Matcher } from '@phoenix-alerting/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { parseApiTime, toGettableAlert } from './codec.js';
import type { GettableAlert } from './codec.js';
import type { ApiContext } from './context.js';
import { sendArray, sendGroups } from './stream-json.js';
import {
  BadRequest,
  booleanParam,
  matchFilterLabels,
  parseFilter,
  parseReceiverFilter,
} from './query.js';

type Query = Record<string, string | string[] | undefined>;

/** Alerts handled between two yields to the event loop in `GET /alerts`. */
const YIELD_EVERY = 2_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readLabelSet(
  value: unknown,
  field: string,
  problems: string[],
): Record<string, string> | undefined {
  if (!isRecord(value)) {
    problems.push(`${field}: must be an object of names to string values`);
    return undefined;
  }
  for (const [name, text] of Object.entries(value)) {
    if (typeof text !== 'string')
      problems.push(`${field}[${JSON.stringify(name)}]: must be a string, got ${typeOf(text)}`);
  }
  return value as Record<string, string>;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function readTime(value: unknown, field: string, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${field}: must be an RFC 3339 date-time string, got ${typeOf(value)}`);
    return undefined;
  }
  const ms = parseApiTime(value);
  if (ms === undefined) {
    problems.push(`${field}: not an RFC 3339 date-time: ${JSON.stringify(value.slice(0, 64))}`);
    return undefined;
  }
  return ms === 0 ? undefined : ms;
}

/** A `postableAlert`, checked for its shape; label rules are checked by the pipeline. */
function readPostableAlert(item: unknown): { input: AlertInput } | { problems: string[] } {
  if (!isRecord(item)) return { problems: [`must be an object, got ${typeOf(item)}`] };
  const problems: string[] = [];
  let labels: Record<string, string> | undefined;
  if (item.labels === undefined || item.labels === null) problems.push('labels: required');
  else labels = readLabelSet(item.labels, 'labels', problems);
  const annotations =
    item.annotations === undefined || item.annotations === null
      ? undefined
      : readLabelSet(item.annotations, 'annotations', problems);
  const startsAt = readTime(item.startsAt, 'startsAt', problems);
  const endsAt = readTime(item.endsAt, 'endsAt', problems);
  const generatorURL = item.generatorURL;
  if (generatorURL !== undefined && generatorURL !== null && typeof generatorURL !== 'string')
    problems.push(`generatorURL: must be a string, got ${typeOf(generatorURL)}`);
  if (problems.length > 0) return { problems };
  const input: AlertInput = { labels: labels! };
  if (annotations) input.annotations = annotations;
  if (startsAt !== undefined) input.startsAt = startsAt;
  if (endsAt !== undefined) input.endsAt = endsAt;
  if (typeof generatorURL === 'string' && generatorURL !== '') input.generatorURL = generatorURL;
  return { input };
}

/**
 * Emits to the running pipeline and waits until the accepted alerts are merged and grouped.
 * Returns the rejected alerts (indexes into `inputs`).
 */
async function emitAndWait(
  context: ApiContext,
  inputs: readonly AlertInput[],
): Promise<EmitResult['rejected']> {
  for (;;) {
    const runtime = await context.runtime();
    let result: EmitResult;
    try {
      result = await runtime.source.emit(inputs);
    } catch (error) {
      // A reload stopped this pipeline under us: hand the batch to the new one.
      if (!PhoenixError.isInstance(error) || error.code !== 'ERR_PIPELINE_STOPPED') throw error;
      if ((await context.runtime()) === runtime) throw error;
      continue;
    }
    await result.processed;
    return result.rejected;
  }
}

interface Filters {
  matchers: Matcher[];
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  unprocessed: boolean;
}

function readFilters(query: Query, withUnprocessed: boolean): Filters {
  return {
    active: booleanParam(query, 'active', true),
    silenced: booleanParam(query, 'silenced', true),
    inhibited: booleanParam(query, 'inhibited', true),
    unprocessed: withUnprocessed ? booleanParam(query, 'unprocessed', true) : true,
    matchers: parseFilter(query),
  };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * Alertmanager's `setAlertStatus`: the silences and inhibitions muting an alert now, recorded in
 * the marker (written only when they changed, so that reading many alerts stays cheap).
 */
function currentMark(context: ApiContext, runtime: Runtime, alert: Alert, now: number): AlertMark {
  const silencedBy = context.silences.mutes(alert.labels, now);
  const inhibitedBy = runtime.inhibitor.inhibits(alert.labels, now);
  const recorded = context.marker.status(alert.fingerprint);
  const unmarked = recorded.state === 'unprocessed';
  if (unmarked || !sameList(recorded.inhibitedBy, inhibitedBy))
    context.marker.setInhibited(alert.fingerprint, inhibitedBy);
  if (unmarked || !sameList(recorded.silencedBy, silencedBy))
    context.marker.setSilenced(alert.fingerprint, silencedBy);
  const state = silencedBy.length + inhibitedBy.length > 0 ? 'suppressed' : 'active';
  return { state, silencedBy, inhibitedBy };
}

/**
 * Alertmanager's `alertFilter`: hides resolved alerts, takes the alert's current status (its
 * `setAlertStatus`), then applies the state flags and matchers. Returns the status of an alert
 * that passes, `undefined` otherwise.
 */
function alertFilter(context: ApiContext, runtime: Runtime, filters: Filters) {
  return (alert: Alert, now: number): AlertMark | undefined => {
    if (alert.endsAt !== 0 && alert.endsAt < now) return undefined;
    const mark = currentMark(context, runtime, alert, now);
    if (!filters.active && mark.state === 'active') return undefined;
    if (!filters.unprocessed && mark.state === 'unprocessed') return undefined;
    if (!filters.silenced && mark.silencedBy.length > 0) return undefined;
    if (!filters.inhibited && mark.inhibitedBy.length > 0) return undefined;
    return matchFilterLabels(filters.matchers, alert.labels) ? mark : undefined;
  };
}

export function registerAlertRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get('/api/v2/alerts', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const query = request.query;
    const filters = readFilters(query, true);
    const receiverFilter = parseReceiverFilter(query);
    const runtime = await context.runtime();
    const filter = alertFilter(context, runtime, filters);
    const now = context.clock.now();
    const result: GettableAlert[] = [];
    const alerts = runtime.dedup.alerts();
    for (let index = 0; index < alerts.length; index++) {
      if (index > 0 && index % YIELD_EVERY === 0) await yieldToEventLoop();
      const alert = alerts[index]!;
      const receivers = runtime.router.match(alert.labels).map((route) => route.receiver);
      if (receiverFilter && !receivers.some(receiverFilter)) continue;
      const mark = filter(alert, now);
      if (mark) result.push(toGettableAlert(alert, mark, receivers));
    }
    result.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    return sendArray(reply, result);
  });

  app.get(
    '/api/v2/alerts/groups',
    async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
      const query = request.query;
      const filters = readFilters(query, false);
      const receiverFilter = parseReceiverFilter(query);
      const runtime = await context.runtime();
      const filter = alertFilter(context, runtime, filters);
      // Alerts are filtered here rather than inside `groups()`, so that the work can yield.
      const groups = runtime.dispatcher.groups(
        receiverFilter ? { route: (route) => receiverFilter(route.receiver) } : {},
      );
      const now = context.clock.now();
      const marks = new Map<string, AlertMark | undefined>();
      const kept: { group: (typeof groups)[number]; alerts: Alert[] }[] = [];
      // An alert's receivers are those of every listed group it is in (Dispatcher.Groups).
      const receivers = new Map<string, string[]>();
      let seen = 0;
      for (const group of groups) {
        const alerts: Alert[] = [];
        for (const alert of group.alerts) {
          if (++seen % YIELD_EVERY === 0) await yieldToEventLoop();
          if (!marks.has(alert.fingerprint)) marks.set(alert.fingerprint, filter(alert, now));
          if (marks.get(alert.fingerprint) === undefined) continue;
          alerts.push(alert);
          const list = receivers.get(alert.fingerprint);
          if (list) list.push(group.receiver);
          else receivers.set(alert.fingerprint, [group.receiver]);
        }
        if (alerts.length > 0) kept.push({ group, alerts });
      }
      const result = [];
      let converted = 0;
      for (const { group, alerts } of kept) {
        const gettable: GettableAlert[] = [];
        for (const alert of alerts) {
          if (++converted % YIELD_EVERY === 0) await yieldToEventLoop();
          gettable.push(
            toGettableAlert(
              alert,
              marks.get(alert.fingerprint)!,
              receivers.get(alert.fingerprint)!,
            ),
          );
        }
        const labels = Object.fromEntries(
          Object.entries(group.labels).sort(([a], [b]) => (a < b ? -1 : 1)),
        );
        result.push({ alerts: gettable, labels, receiver: { name: group.receiver } });
      }
      return sendGroups(reply, result, converted);
    },
  );

  app.post('/api/v2/alerts', async (request, reply) => {
    const body = request.body;
    if (!Array.isArray(body))
      throw new BadRequest(
        `alerts in body must be of type array: ${JSON.stringify(typeOf(body))}`,
        true,
      );
    const { maxAlertsPerRequest } = context.settings();
    if (body.length > maxAlertsPerRequest)
      throw new BadRequest(
        `too many alerts in one request: ${body.length} (the limit is ${maxAlertsPerRequest}, ` +
          'server.max_alerts_per_request); send them in smaller batches',
      );
    const runtime = await context.runtime();
    const now = context.clock.now();
    const resolveTimeoutMs = runtime.loaded.config.global.resolve_timeout;
    const problems: { index: number; reason: string }[] = [];
    const inputs: AlertInput[] = [];
    const indexes: number[] = [];
    // Counted once per request: the counter's label lookup per alert showed in the profile.
    let firing = 0;
    body.forEach((item, index) => {
      const read = readPostableAlert(item);
      if ('problems' in read) {
        problems.push({ index, reason: read.problems.join('; ') });
        return;
      }
      inputs.push(read.input);
      indexes.push(index);
      const endsAt = (read.input.endsAt as number | undefined) ?? now + resolveTimeoutMs;
      if (endsAt > now) firing++;
    });
    context.metrics.alertsReceived('firing', firing);
    context.metrics.alertsReceived('resolved', inputs.length - firing);

    if (inputs.length > 0) {
      for (const { index, reason } of await emitAndWait(context, inputs))
        problems.push({ index: indexes[index]!, reason });
    }

    if (problems.length === 0) return reply.status(200).send();
    context.metrics.alertsInvalid(problems.length);
    problems.sort((a, b) => a.index - b.index);
    const message = problems.map(({ index, reason }) => `alerts[${index}]: ${reason}`).join('; ');
    request.log.debug(
      { invalid: problems.length, accepted: body.length - problems.length },
      message,
    );
    throw new BadRequest(message);
  });
}

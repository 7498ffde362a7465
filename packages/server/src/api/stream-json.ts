// Large API answers are written in slices, yielding to the event loop between them, so that a
// client listing 100 000 alerts does not stall every other request while one string is built.
import { Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';

/** Items serialized per slice. */
const SLICE = 1_000;

async function* arrayText(items: readonly unknown[]): AsyncGenerator<string> {
  yield '[';
  for (let start = 0; start < items.length; start += SLICE) {
    if (start > 0) await yieldToEventLoop();
    const text = JSON.stringify(items.slice(start, start + SLICE));
    yield (start > 0 ? ',' : '') + text.slice(1, -1);
  }
  yield ']';
}

/** `{"alerts":[…],"labels":…,"receiver":…}` per group, the alerts in slices. */
async function* groupsText(
  groups: readonly { alerts: readonly unknown[]; labels: unknown; receiver: unknown }[],
): AsyncGenerator<string> {
  yield '[';
  let index = 0;
  for (const group of groups) {
    yield `${index++ > 0 ? ',' : ''}{"alerts":`;
    yield* arrayText(group.alerts);
    yield `,"labels":${JSON.stringify(group.labels)},"receiver":${JSON.stringify(group.receiver)}}`;
  }
  yield ']';
}

function send(reply: FastifyReply, chunks: AsyncGenerator<string>) {
  return reply.type('application/json; charset=utf-8').send(Readable.from(chunks));
}

/** Sends a JSON array; in slices when it is long. */
export function sendArray(reply: FastifyReply, items: readonly unknown[]) {
  return items.length <= SLICE ? reply.send(items) : send(reply, arrayText(items));
}

/** Sends alert groups; in slices when they hold many alerts. */
export function sendGroups(
  reply: FastifyReply,
  groups: readonly { alerts: readonly unknown[]; labels: unknown; receiver: unknown }[],
  alertCount: number,
) {
  return alertCount <= SLICE ? reply.send(groups) : send(reply, groupsText(groups));
}

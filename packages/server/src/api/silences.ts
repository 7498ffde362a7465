// `/api/v2/silences` and `/api/v2/silence/{silenceID}`: Alertmanager 0.25's silence handlers.
import { SilenceError } from '@phoenix-alerting/processor-silence';
import type { SilenceInput } from '@phoenix-alerting/processor-silence';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseApiTime, toGettableSilence } from './codec.js';
import type { ApiContext } from './context.js';
import { HttpError } from './context.js';
import { BadRequest, parseFilter } from './query.js';

type Query = Record<string, string | string[] | undefined>;

// go-openapi's strfmt UUID check.
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The `silenceID` path parameter; go-openapi answers 422 for one that is not a UUID. */
function silenceId(request: FastifyRequest): string {
  const { silenceID } = request.params as { silenceID: string };
  if (!UUID.test(silenceID))
    throw new HttpError(
      422,
      `silenceID in path must be of type uuid: ${JSON.stringify(silenceID.slice(0, 64))}`,
      601,
    );
  return silenceID;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `postableSilence`: `matchers`, `startsAt`, `endsAt`, `createdBy`, `comment`, optional `id`. */
interface PostableSilence {
  id: string | undefined;
  input: SilenceInput & { startsAt: number; endsAt: number };
}

function readPostableSilence(body: unknown): PostableSilence {
  if (!isRecord(body)) throw new BadRequest('silence in body must be of type object', true);
  const problems: string[] = [];
  if (!Array.isArray(body.matchers)) problems.push('matchers: required, a list of matchers');
  else if (body.matchers.length === 0) problems.push('matchers: at least one matcher required');
  const times: Record<'startsAt' | 'endsAt', number> = { startsAt: 0, endsAt: 0 };
  for (const field of ['startsAt', 'endsAt'] as const) {
    const value = body[field];
    const ms = typeof value === 'string' ? parseApiTime(value) : undefined;
    if (value === undefined || value === null) problems.push(`${field}: required`);
    else if (ms === undefined) problems.push(`${field}: not an RFC 3339 date-time`);
    else times[field] = ms;
  }
  for (const field of ['createdBy', 'comment'] as const) {
    if (typeof body[field] !== 'string') problems.push(`${field}: required, a string`);
  }
  if (body.id !== undefined && body.id !== null && typeof body.id !== 'string')
    problems.push('id: must be a string');
  if (problems.length > 0) throw new BadRequest(`silence invalid: ${problems.join('; ')}`);
  return {
    id: typeof body.id === 'string' && body.id !== '' ? body.id : undefined,
    input: {
      matchers: body.matchers as SilenceInput['matchers'],
      startsAt: times.startsAt,
      endsAt: times.endsAt,
      createdBy: body.createdBy as string,
      comment: body.comment as string,
    },
  };
}

/**
 * Alertmanager 0.25's wording: `silence invalid: invalid label matcher 0: …` and `silence not
 * found`; each problem still names its field.
 */
function silenceErrorMessage(error: SilenceError): string {
  if (error.reason === 'not-found') return 'silence not found';
  if (error.reason !== 'invalid' || error.problems.length === 0) return error.message;
  const problems = error.problems.map(({ field, message }) => {
    const matcher = /^matchers\[(\d+)\](?:\.(\w+))?$/.exec(field);
    if (matcher) {
      const detail = matcher[2] && !/label (name|value)|regular expression/.test(message);
      return `invalid label matcher ${matcher[1]}: ${detail ? `${matcher[2]} ` : ''}${message}`;
    }
    return field === 'matchers' ? message : `${field}: ${message}`;
  });
  return `silence invalid: ${problems.join('; ')}`;
}

/** Alertmanager's handlers answer errors with the message as a JSON string. */
function sendMessage(reply: FastifyReply, status: number, message: string) {
  return reply.status(status).type('application/json').send(JSON.stringify(message));
}

export function registerSilenceRoutes(app: FastifyInstance, context: ApiContext): void {
  const { silences, clock } = context;

  app.get('/api/v2/silences', async (request: FastifyRequest<{ Querystring: Query }>) => {
    const matchers = parseFilter(request.query);
    await context.runtime();
    const now = clock.now();
    return silences
      .list({ filter: matchers, now })
      .map((silence) => toGettableSilence(silence, now));
  });

  app.post('/api/v2/silences', async (request, reply) => {
    const { id, input } = readPostableSilence(request.body);
    await context.runtime();
    const now = clock.now();
    if (input.startsAt >= input.endsAt)
      throw new BadRequest('Failed to create silence: start time must be before end time');
    if ((input.endsAt as number) < now)
      throw new BadRequest("Failed to create silence: end time can't be in the past");
    try {
      const silence =
        id === undefined ? await silences.create(input) : await silences.update(id, input);
      context.logger.info(
        { silenceId: silence.id, replaced: id !== undefined && id !== silence.id ? id : undefined },
        id === undefined ? 'silence created' : 'silence updated',
      );
      return { silenceID: silence.id };
    } catch (error) {
      if (!SilenceError.isInstance(error)) throw error;
      return sendMessage(
        reply,
        error.reason === 'not-found' ? 404 : 400,
        silenceErrorMessage(error),
      );
    }
  });

  app.get('/api/v2/silence/:silenceID', async (request, reply) => {
    const id = silenceId(request);
    await context.runtime();
    const silence = silences.get(id);
    if (!silence) return reply.status(404).send();
    return toGettableSilence(silence, clock.now());
  });

  app.delete('/api/v2/silence/:silenceID', async (request, reply) => {
    const id = silenceId(request);
    await context.runtime();
    try {
      await silences.expire(id);
      context.logger.info({ silenceId: id }, 'silence expired');
      return reply.status(200).send();
    } catch (error) {
      if (!SilenceError.isInstance(error)) throw error;
      // Alertmanager 0.25: expiring an expired silence changes nothing and answers 200; an
      // unknown id is a 500 with "silence not found" (its openapi has no 404 for DELETE).
      if (error.reason === 'already-expired') return reply.status(200).send();
      return sendMessage(reply, 500, silenceErrorMessage(error));
    }
  });
}

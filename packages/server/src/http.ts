// The fastify application: routes, body parsing and limits, authentication and Alertmanager's
// error shapes. Built apart from listening, so that tests drive it with `app.inject()`.
import Fastify, { LogController } from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { registerAlertRoutes } from './api/alerts.js';
import { HttpError } from './api/context.js';
import type { ApiContext } from './api/context.js';
import { registerGeneralRoutes } from './api/general.js';
import { INTEGRATIONS_PREFIX, registerIntegrationRoutes } from './api/integrations.js';
import { registerPhoenixRoutes } from './api/phoenix.js';
import { BadRequest } from './api/query.js';
import { registerSilenceRoutes } from './api/silences.js';
import { bearerTokenMatches } from './auth.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// The API's paths and methods, for go-openapi's 405 answer.
const API_ROUTES: [RegExp, string[]][] = [
  [/^\/api\/v2\/alerts$/, ['GET', 'POST']],
  [/^\/api\/v2\/alerts\/groups$/, ['GET']],
  [/^\/api\/v2\/silences$/, ['GET', 'POST']],
  [/^\/api\/v2\/silence\/[^/]+$/, ['DELETE', 'GET']],
  [/^\/api\/v2\/status$/, ['GET']],
  [/^\/api\/v2\/receivers$/, ['GET']],
];

const MANAGEMENT_ROUTES = new Set(['/-/healthy', '/-/ready', '/-/reload', '/metrics']);

function bodyName(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  if (path.startsWith('/api/v2/alerts')) return 'alerts';
  if (path.startsWith('/api/v2/silences')) return 'silence';
  return 'request';
}

function sendError(reply: FastifyReply, status: number, message: string, code = status) {
  return reply.status(status).type('application/json; charset=utf-8').send({ code, message });
}

/** go-openapi's message for a body that is not JSON. */
function invalidJson(request: FastifyRequest, reason: string): BadRequest {
  return new BadRequest(
    `parsing ${bodyName(request)} body from "" failed, because ${reason}`,
    true,
  );
}

export function buildApp(
  context: ApiContext,
  options: { bodyLimit: number; logger: Logger },
): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }),
    // Every request is logged at debug level below, without headers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  // fastify's JSON parser (prototype poisoning refused), with go-openapi's message on bad input.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // secure-json-parse scans the whole text with two regexes for escaped spellings of the
    // prototype keys (~1 % of the event loop in the alert storm): text with no `\u` escape and
    // neither key cannot hold one, and is parsed as is. Empty bodies and a leading byte-order mark
    // go the parser's own way.
    if (
      text !== '' &&
      text.charCodeAt(0) !== 0xfeff &&
      !text.includes('\\u') &&
      !text.includes('__proto__') &&
      !text.includes('constructor')
    ) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (syntax) {
        done(invalidJson(request, (syntax as Error).message), undefined);
        return;
      }
      done(null, value);
      return;
    }
    void parseJson(request, text, (error, value) => {
      if ((error as FastifyError | null)?.code !== 'FST_ERR_CTP_INVALID_JSON_BODY') {
        done(error, value);
        return;
      }
      let reason = 'it contains a forbidden prototype property';
      try {
        JSON.parse(text);
      } catch (syntax) {
        reason = (syntax as Error).message;
      }
      done(invalidJson(request, reason), undefined);
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    if (READ_METHODS.has(request.method)) return;
    // Vendors' callbacks carry their own signatures (checked by each route), not our token.
    if (request.url.startsWith(INTEGRATIONS_PREFIX)) return;
    const token = context.settings().bearerToken;
    if (token === undefined) return;
    if (bearerTokenMatches(request.headers.authorization, token)) return;
    request.log.warn(
      { method: request.method, url: request.url, remoteAddress: request.ip },
      'write request refused: missing or wrong bearer token',
    );
    reply.header('www-authenticate', 'Bearer realm="phoenix-alerting"');
    return sendError(reply, 401, 'unauthorized: this endpoint requires a bearer token');
  });

  app.addHook('onSend', async (request, reply) => {
    // As Alertmanager's API: responses reflect live state and must not be cached.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof BadRequest) {
      if (error.framework) return sendError(reply, 400, error.message);
      // Alertmanager's handlers answer with the message as a JSON string.
      return reply
        .status(400)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(error.message));
    }
    if (error instanceof HttpError)
      return sendError(reply, error.statusCode, error.message, error.code);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = context.settings().maxRequestBytes;
      return sendError(
        reply,
        413,
        `request body too large: the limit is ${limit} bytes (server.max_request_bytes)`,
      );
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const type = request.headers['content-type'] ?? 'none';
      return sendError(
        reply,
        415,
        `unsupported content-type ${JSON.stringify(type)}: send application/json`,
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, error.message);
    request.log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return sendError(reply, status, error.message);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (MANAGEMENT_ROUTES.has(path))
      return reply.status(405).type('text/plain; charset=utf-8').send('Method Not Allowed\n');
    const route = API_ROUTES.find(([pattern]) => pattern.test(path));
    if (route && !route[1].includes(request.method)) {
      reply.header('allow', route[1].join(', '));
      return sendError(
        reply,
        405,
        `method ${request.method} is not allowed, but [${route[1].join(',')}] are`,
      );
    }
    return sendError(reply, 404, `path ${path} was not found`);
  });

  registerAlertRoutes(app, context);
  registerSilenceRoutes(app, context);
  registerGeneralRoutes(app, context);
  registerPhoenixRoutes(app, context);
  registerIntegrationRoutes(app, context);
  return app;
}

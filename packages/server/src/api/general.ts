// `/api/v2/status`, `/api/v2/receivers`, and the management endpoints `/-/healthy`, `/-/ready`,
// `/-/reload`, `/metrics`.
import type { FastifyInstance } from 'fastify';
import { ALERTMANAGER_VERSION, REVISION } from '../version.js';
import { formatApiTime } from './codec.js';
import type { ApiContext } from './context.js';

export function registerGeneralRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get('/api/v2/status', async () => {
    const runtime = await context.runtime();
    return {
      cluster: { peers: [], status: 'disabled' },
      config: { original: runtime.loaded.original },
      uptime: formatApiTime(context.startedAt),
      versionInfo: {
        branch: '',
        buildDate: '',
        buildUser: '',
        goVersion: `node ${process.version}`,
        revision: REVISION,
        version: ALERTMANAGER_VERSION,
      },
    };
  });

  app.get('/api/v2/receivers', async () => {
    const runtime = await context.runtime();
    return runtime.receiverNames.map((name) => ({ name }));
  });

  for (const path of ['/-/healthy', '/-/ready'] as const) {
    app.route({
      method: ['GET', 'HEAD'],
      url: path,
      handler: async (_request, reply) => {
        reply.type('text/plain; charset=utf-8');
        if (path === '/-/ready' && !context.ready())
          return reply.status(503).send('Service Unavailable');
        return reply.status(200).send('OK');
      },
    });
  }

  app.route({
    method: ['POST', 'PUT'],
    url: '/-/reload',
    handler: async (_request, reply) => {
      try {
        await context.reload();
        return reply.status(200).send();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return reply
          .status(500)
          .type('text/plain; charset=utf-8')
          .send(`failed to reload config: ${message}\n`);
      }
    },
  });

  app.get('/metrics', async (_request, reply) => {
    const registry = context.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

// A webhook receiver on 127.0.0.1 that records every Alertmanager (version 4) notification it is
// sent, with the time it arrived. Answers 200 to everything.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} Notification
 * @property {number} receivedAtMs Date.now() when the body had arrived
 * @property {string} path the request path (one sink can serve several receivers)
 * @property {string | undefined} idempotencyKey the `Idempotency-Key` header, when sent (Phoenix
 *   sends the same key for every attempt at a notification and for its re-send after a crash)
 * @property {any} body the parsed JSON payload
 */

/**
 * @typedef {object} WebhookSink
 * @property {number} port
 * @property {(path?: string) => string} url
 * @property {Notification[]} notifications
 * @property {number} alertCount total `alerts` entries over every notification
 * @property {(predicate: (notifications: Notification[]) => boolean, timeoutMs: number)
 *   => Promise<Notification[]>} waitFor resolves once `predicate` holds, rejects on time-out
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ keepBodies?: boolean }} [options] keepBodies false keeps only counts and times (the
 *   storm benchmark's sink must not cost memory in the measuring process)
 * @returns {Promise<WebhookSink>}
 */
export async function startWebhookSink(options = {}) {
  const keepBodies = options.keepBodies ?? true;
  /** @type {Notification[]} */
  const notifications = [];
  const sink = {
    port: 0,
    /** @param {string} [path] */
    url: (path = '/hook') => `http://127.0.0.1:${sink.port}${path}`,
    notifications,
    alertCount: 0,
    /** @type {Map<string, { count: number, lastAlerts: number, lastAtMs: number }>} */
    groups: new Map(),
    firstAtMs: 0,
    lastAtMs: 0,
    /**
     * @param {(notifications: Notification[]) => boolean} predicate
     * @param {number} timeoutMs
     */
    async waitFor(predicate, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(notifications)) {
        if (Date.now() > deadline) {
          throw new Error(
            `webhook sink: condition not met after ${timeoutMs} ms ` +
              `(${notifications.length} notifications received)`,
          );
        }
        await sleep(50);
      }
      return notifications;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
  const server = createServer((request, response) => {
    /** @type {Buffer[]} */
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAtMs = Date.now();
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = { unparsable: Buffer.concat(chunks).toString('utf8') };
      }
      const alerts = Array.isArray(body?.alerts) ? body.alerts.length : 0;
      sink.alertCount += alerts;
      if (sink.firstAtMs === 0) sink.firstAtMs = receivedAtMs;
      sink.lastAtMs = receivedAtMs;
      const key = String(body?.groupKey);
      const group = sink.groups.get(key) ?? { count: 0, lastAlerts: 0, lastAtMs: 0 };
      group.count += 1;
      group.lastAlerts = alerts;
      group.lastAtMs = receivedAtMs;
      sink.groups.set(key, group);
      notifications.push({
        receivedAtMs,
        path: request.url ?? '',
        idempotencyKey: request.headers['idempotency-key'],
        body: keepBodies ? body : { groupKey: body?.groupKey, status: body?.status, alerts },
      });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  sink.port = typeof address === 'object' && address ? address.port : 0;
  return sink;
}

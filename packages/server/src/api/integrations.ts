// Acknowledge from where people are: the endpoints Twilio (SMS replies), PagerDuty (webhook v3),
// Slack (interactive buttons) and incident mails (signed links) call. Each checks its vendor's
// signature over the raw body: an unsigned or badly signed request gets 401 and changes nothing.
// They are exempt from the bearer token, which those callers cannot send.
import { PhoenixError } from '@phoenix-alerting/core';
import type { IncidentRecord, Notifier } from '@phoenix-alerting/core';
import type { EscalationEngine } from '@phoenix-alerting/escalation';
import { verifyAckToken } from '@phoenix-alerting/notifier-email';
import {
  parsePagerDutyWebhook,
  verifyPagerDutySignature,
} from '@phoenix-alerting/notifier-pagerduty';
import {
  SlackRequestError,
  parseSlackInteraction,
  verifySlackRequest,
} from '@phoenix-alerting/notifier-slack';
import { parseSmsReply, smsReplyResponse } from '@phoenix-alerting/notifier-sms';
import type { SmsNotifier } from '@phoenix-alerting/notifier-sms';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from './context.js';
import type { ApiContext } from './context.js';
import { escalationEngine } from './phoenix.js';
import type { IntegrationSecrets } from '../settings.js';

/** Where the acknowledgement endpoints live; the auth hook lets these through. */
export const INTEGRATIONS_PREFIX = '/api/phoenix/v1/integrations/';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>\n`,
    );
}

/** The raw body these routes keep as text (their parser), or '' without one. */
const bodyText = (body: unknown) => (typeof body === 'string' ? body : '');

function unauthorized(reply: FastifyReply, what: string) {
  return reply
    .status(401)
    .type('application/json; charset=utf-8')
    .send({
      code: 401,
      message: `${what}: the request's signature is missing or wrong; nothing was changed`,
    });
}

export function registerIntegrationRoutes(app: FastifyInstance, context: ApiContext): void {
  /** A `server.integrations` secret; 404 naming the setting when it is not configured. */
  async function secretOf(
    name: keyof IntegrationSecrets,
    what: string,
    setting: string,
  ): Promise<string> {
    const secret = (await context.runtime()).loaded.settings.integrations[name];
    if (!secret)
      throw new HttpError(404, `${what} not configured: set server.integrations.${setting}`);
    return secret;
  }

  const engine = () => escalationEngine(context);

  /**
   * Acknowledges or resolves; an incident already in that state is left as it is. What the engine
   * refuses (unknown incident, a move its state does not allow) comes back as `refused`, for each
   * caller to answer in its own form.
   */
  async function act(
    current: EscalationEngine,
    id: string,
    action: 'acknowledge' | 'resolve' | 'unacknowledge',
    by: string,
  ): Promise<{ incident: IncidentRecord } | { refused: PhoenixError }> {
    try {
      const incident = await current.getIncident(id);
      const unchanged =
        (action === 'resolve' && incident.status === 'resolved') ||
        (action === 'acknowledge' && incident.status !== 'new') ||
        (action === 'unacknowledge' && incident.status !== 'acknowledged');
      return { incident: unchanged ? incident : await current[action](id, by) };
    } catch (error) {
      if (PhoenixError.isInstance(error)) return { refused: error };
      throw error;
    }
  }

  /** What people see after acting: `Incident 12 is acknowledged.`, or why nothing changed. */
  const outcome = (result: { incident: IncidentRecord } | { refused: PhoenixError }) =>
    'refused' in result
      ? result.refused.message
      : `Incident ${result.incident.number} is ${result.incident.status}.`;

  app.register(async (scope) => {
    // Signatures are computed over the exact bytes sent: keep every body as text.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );

    scope.post(`${INTEGRATIONS_PREFIX}twilio/sms`, async (request, reply) => {
      const runtime = await context.runtime();
      const raw = bodyText(request.body);
      const params = Object.fromEntries(new URLSearchParams(raw));
      const signature = request.headers['x-twilio-signature'];
      const url = `${runtime.externalURL.replace(/\/+$/, '')}${request.url}`;
      const sms = runtime.integrations.filter(
        (notifier: Notifier): notifier is SmsNotifier => notifier.name === 'sms',
      );
      let verified = false;
      if (typeof signature === 'string')
        for (const notifier of sms)
          if (await notifier.verifyRequest({ url, params, signature })) verified = true;
      if (!verified) return unauthorized(reply, 'twilio');

      const twiml = (text: string) =>
        reply.status(200).type('text/xml').send(smsReplyResponse(text));
      const current = await engine();
      let parsed;
      try {
        parsed = parseSmsReply(params.Body ?? '');
      } catch (error) {
        return twiml((error as Error).message);
      }
      let incident;
      try {
        incident = await current.findIncidentByNumber(parsed.number);
      } catch {
        return twiml(`There is no incident ${parsed.number}.`);
      }
      const schedule = current.currentSchedule();
      const person = incident.paged
        .map((name) => schedule.person(name))
        .find((candidate) => candidate?.phone !== undefined && candidate.phone === params.From);
      if (!person) {
        request.log.warn(
          { incident: incident.number },
          'SMS reply from a number that was not paged',
        );
        return twiml(
          `This number was not paged for incident ${parsed.number}; nothing was changed.`,
        );
      }
      return twiml(outcome(await act(current, incident.id, parsed.action, person.name)));
    });

    scope.post(`${INTEGRATIONS_PREFIX}slack/interactions`, async (request, reply) => {
      const signingSecret = await secretOf(
        'slackSigningSecret',
        'Slack interactivity is',
        'slack_signing_secret',
      );
      const raw = bodyText(request.body);
      let interaction;
      try {
        verifySlackRequest({
          signingSecret,
          rawBody: raw,
          headers: request.headers,
          now: context.clock.now(),
        });
        interaction = parseSlackInteraction(raw);
      } catch (error) {
        if (!SlackRequestError.isInstance(error)) throw error;
        const status = (error as { statusCode?: number }).statusCode ?? 401;
        if (status === 401) return unauthorized(reply, 'slack');
        throw new HttpError(status, (error as Error).message);
      }
      const current = await engine();
      // Slack user ids map to people through `teams:` (their `slack:` id).
      const person = Object.values(current.config.oncall.teams ?? {})
        .flatMap((team) => team.members)
        .find((member) => member.slack === interaction.userId);
      const by = person?.name ?? `slack:${interaction.userId}`;
      // Slack shows the text of a 200 answer to the person who clicked, ephemerally.
      const result = await act(current, interaction.incidentId, interaction.action, by);
      return reply.status(200).send({ response_type: 'ephemeral', text: outcome(result) });
    });

    scope.post(`${INTEGRATIONS_PREFIX}pagerduty/webhook`, async (request, reply) => {
      const secret = await secretOf(
        'pagerdutyWebhookSecret',
        'PagerDuty webhooks are',
        'pagerduty_webhook_secret',
      );
      const raw = bodyText(request.body);
      if (!verifyPagerDutySignature({ secret, rawBody: raw, headers: request.headers }))
        return unauthorized(reply, 'pagerduty');
      let event;
      try {
        event = parsePagerDutyWebhook(raw);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
      const key = event?.dedupKey ?? event?.incidentKey;
      const action =
        event?.event === 'acknowledged'
          ? 'acknowledge'
          : event?.event === 'resolved'
            ? 'resolve'
            : event?.event === 'unacknowledged'
              ? 'unacknowledge'
              : undefined;
      if (!event || !key || !action) return reply.status(202).send({ status: 'ignored' });
      const current = await engine();
      const by = `pagerduty:${event.agent?.name ?? event.agent?.id ?? 'unknown'}`;
      const result = await act(current, key, action, by);
      if ('refused' in result) {
        // Events of incidents Phoenix did not open (plain Alertmanager receivers) are not ours.
        if (result.refused.code === 'ERR_NOT_FOUND')
          return reply.status(202).send({ status: 'ignored' });
        throw result.refused;
      }
      const { incident } = result;
      return reply.status(200).send({ status: incident.status, incident: incident.number });
    });

    scope.post(`${INTEGRATIONS_PREFIX}email/ack`, async (request, reply) => {
      const secret = await secretOf(
        'ackLinkSecret',
        'email acknowledgement links are',
        'ack_link_secret',
      );
      const raw = bodyText(request.body);
      const token = new URLSearchParams(raw).get('token') ?? '';
      let claims;
      try {
        claims = verifyAckToken({ secret, token, now: context.clock.now() });
      } catch (error) {
        return page(
          reply,
          401,
          'Link not accepted',
          `<p>${escapeHtml((error as Error).message)}. Nothing was changed.</p>`,
        );
      }
      const current = await engine();
      const result = await act(current, claims.incidentId, claims.action, 'email link');
      if ('refused' in result)
        return page(
          reply,
          result.refused.code === 'ERR_NOT_FOUND' ? 404 : 409,
          'Not changed',
          `<p>${escapeHtml(result.refused.message)}</p>`,
        );
      const { incident } = result;
      return page(reply, 200, `Incident ${incident.number} is ${incident.status}`, '');
    });
  });

  // Mail scanners follow links: GET only shows what the link would do, a button POSTs it.
  app.get(`${INTEGRATIONS_PREFIX}email/ack`, async (request, reply) => {
    const secret = await secretOf(
      'ackLinkSecret',
      'email acknowledgement links are',
      'ack_link_secret',
    );
    const token = String((request.query as Record<string, unknown>).token ?? '');
    let claims;
    try {
      claims = verifyAckToken({ secret, token, now: context.clock.now() });
    } catch (error) {
      return page(
        reply,
        401,
        'Link not accepted',
        `<p>${escapeHtml((error as Error).message)}.</p>`,
      );
    }
    const current = await engine();
    const incident = await current.getIncident(claims.incidentId).catch(() => undefined);
    if (!incident) return page(reply, 404, 'No such incident', '');
    const verb = claims.action === 'acknowledge' ? 'Acknowledge' : 'Resolve';
    return page(
      reply,
      200,
      `${verb} incident ${incident.number}?`,
      `<p>${escapeHtml(incident.title)} — ${escapeHtml(incident.severity)}, ${escapeHtml(incident.status)}</p>` +
        `<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
        `<button type="submit">${verb}</button></form>`,
    );
  });
}

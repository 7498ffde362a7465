// On-call handoffs as alerts: at every handoff of a rotation the server emits an `OnCallHandoff`
// alert naming who comes on and who goes off, so the routing tree sends it wherever the team wants
// to hear of it (a Slack channel, the incoming person's email…), silences apply, and nothing new
// has to be configured to deliver it.
import type { AlertInput, Source, SourceContext } from '@phoenix-alerting/core';
import { createHandoffNotifier } from '@phoenix-alerting/escalation';
import type {
  EscalationEngine,
  HandoffEvent,
  HandoffNotifier,
  TeamMember,
} from '@phoenix-alerting/escalation';

/** How long a handoff alert fires: long enough to be grouped and sent once, then it resolves. */
export const HANDOFF_ALERT_MS = 5 * 60_000;

export interface HandoffSource extends Source {
  /** Re-arms the timers after a change of overrides. */
  refresh(): void;
}

function contact(person: TeamMember): string {
  return [person.email, person.slack ? `<@${person.slack}>` : undefined, person.phone]
    .filter(Boolean)
    .join(', ');
}

/** The alert of one handoff. */
export function handoffAlert(event: HandoffEvent): AlertInput {
  const { incoming, outgoing } = event;
  const until = new Date(incoming.end).toISOString();
  return {
    labels: {
      alertname: 'OnCallHandoff',
      rotation: event.rotation,
      oncall: incoming.person.name,
      team: incoming.team,
    },
    annotations: {
      summary: `${event.rotation}: ${incoming.person.name} (${incoming.team}) is on call until ${until}, taking over from ${outgoing.person.name} (${outgoing.team})`,
      incoming: incoming.person.name,
      incoming_contact: contact(incoming.person),
      outgoing: outgoing.person.name,
      outgoing_contact: contact(outgoing.person),
      shift_end: until,
    },
    startsAt: new Date(event.at).toISOString(),
    endsAt: new Date(event.at + HANDOFF_ALERT_MS).toISOString(),
  };
}

/** A Source that emits {@link handoffAlert} at every handoff of the engine's rotations. */
export function createHandoffSource(engine: EscalationEngine): HandoffSource {
  let notifier: HandoffNotifier | undefined;
  return {
    name: 'oncall-handoffs',
    async start(context: SourceContext) {
      await engine.start(context);
      if (engine.currentSchedule().rotations.length === 0) return;
      notifier = createHandoffNotifier({
        schedule: () => engine.currentSchedule(),
        clock: context.clock,
        logger: context.logger,
        onHandoff: async (event) => {
          context.logger.info(
            {
              rotation: event.rotation,
              incoming: event.incoming.person.name,
              outgoing: event.outgoing.person.name,
            },
            'on-call handoff',
          );
          await context.emit([handoffAlert(event)]);
        },
      });
    },
    stop() {
      notifier?.stop();
      notifier = undefined;
    },
    refresh() {
      notifier?.refresh();
    },
  };
}

// `incident list|show|ack|resolve`: the incident API of a running server, from the terminal.
import { parseArgs } from 'node:util';
import { CliError, usageError } from './io.js';
import type { CommandIo, ExitCode } from './io.js';

export const incidentHelp = `usage: phoenix-alerting incident <command> [options]

Works with the incidents of a running Phoenix server (its /api/phoenix/v1 API).

Commands:
  list                 incidents, newest first (default: those not resolved)
  show NUMBER|ID       one incident with its timeline
  ack NUMBER|ID        acknowledge: stops escalation
  resolve NUMBER|ID    resolve: notifies everyone who was paged

Options:
  --url URL            the server (default $PHOENIX_URL, else http://127.0.0.1:9093);
                       --alertmanager.url is accepted too, as amtool spells it
  --token TOKEN        bearer token for write commands (default $PHOENIX_TOKEN)
  --by NAME            who acts, for ack and resolve (default $USER)
  --status S           list: only this status (repeatable; new, acknowledged, investigating,
                       mitigated, resolved); --all lists every status
  --limit N            list: at most N incidents (default 100)
  -h, --help           this help
`;

interface IncidentJson {
  id: string;
  number: number;
  title: string;
  severity: string;
  status: string;
  receiver: string;
  policy: string;
  level: number;
  exhausted: boolean;
  assignedTo: string | null;
  acknowledgedBy: string | null;
  createdAt: string;
  updatedAt: string;
  labels: Record<string, string>;
  timeline?: { at: string; kind: string; actor: string | null; message: string }[];
}

const OPEN = ['new', 'acknowledged', 'investigating', 'mitigated'];

/** Runs `incident …`; `env` defaults to `process.env` (tests pass their own). */
export async function incidentCommand(
  args: readonly string[],
  io: CommandIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ExitCode> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand === '-h' || subcommand === '--help') {
    io.stdout.write(incidentHelp);
    return subcommand === undefined ? 2 : 0;
  }
  if (!['list', 'show', 'ack', 'resolve'].includes(subcommand))
    throw usageError(`unknown incident command ${JSON.stringify(subcommand)}`, 'incident');
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        url: { type: 'string' },
        'alertmanager.url': { type: 'string' },
        token: { type: 'string' },
        by: { type: 'string' },
        status: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        limit: { type: 'string' },
      },
    });
  } catch (error) {
    throw usageError((error as Error).message.split('. ')[0] ?? String(error), 'incident');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(incidentHelp);
    return 0;
  }
  const base = (
    values.url ??
    values['alertmanager.url'] ??
    env.PHOENIX_URL ??
    'http://127.0.0.1:9093'
  ).replace(/\/+$/, '');
  const client = new ApiClient(base, values.token ?? env.PHOENIX_TOKEN);

  if (subcommand === 'list') {
    if (positionals.length > 0)
      throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'incident');
    const query = new URLSearchParams();
    for (const status of values.all ? [] : (values.status ?? OPEN)) query.append('status', status);
    if (values.limit !== undefined) query.set('limit', values.limit);
    const incidents = await client.get<IncidentJson[]>(`/api/phoenix/v1/incidents?${query}`);
    io.stdout.write(formatTable(incidents));
    return 0;
  }

  const [ref, extra] = positionals;
  if (ref === undefined)
    throw usageError(`incident ${subcommand} needs an incident number or id`, 'incident');
  if (extra !== undefined)
    throw usageError(`unexpected argument ${JSON.stringify(extra)}`, 'incident');
  const path = `/api/phoenix/v1/incidents/${encodeURIComponent(ref)}`;
  if (subcommand === 'show') {
    io.stdout.write(formatDetails(await client.get<IncidentJson>(path)));
    return 0;
  }
  const by = values.by ?? env.USER ?? env.LOGNAME;
  if (!by) throw usageError('--by NAME is required (no $USER to default to)', 'incident');
  const action = subcommand === 'ack' ? 'acknowledge' : 'resolve';
  const incident = await client.post<IncidentJson>(`${path}/${action}`, { by });
  io.stdout.write(`incident ${incident.number} is ${incident.status}\n`);
  return 0;
}

class ApiClient {
  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new CliError(`cannot reach ${this.base}: ${cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.trim();
      try {
        const parsed = JSON.parse(text) as unknown;
        if (typeof parsed === 'string') message = parsed;
        else if (parsed && typeof (parsed as { message?: unknown }).message === 'string')
          message = (parsed as { message: string }).message;
      } catch {
        // not JSON: keep the text
      }
      throw new CliError(`${method} ${path}: ${response.status} ${message}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${method} ${path}: the server answered with invalid JSON`);
    }
  }
}

function formatTable(incidents: readonly IncidentJson[]): string {
  const rows = [
    ['NUMBER', 'STATUS', 'SEVERITY', 'LEVEL', 'CREATED', 'ASSIGNED', 'TITLE'],
    ...incidents.map((incident) => [
      String(incident.number),
      incident.status + (incident.exhausted ? '!' : ''),
      incident.severity,
      String(incident.level),
      incident.createdAt,
      incident.assignedTo ?? '-',
      incident.title,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

function formatDetails(incident: IncidentJson): string {
  const labels = Object.entries(incident.labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ');
  const lines = [
    `Incident ${incident.number} (${incident.id})`,
    `Title:        ${incident.title}`,
    `Status:       ${incident.status}${incident.exhausted ? ' (escalation exhausted)' : ''}`,
    `Severity:     ${incident.severity}`,
    `Receiver:     ${incident.receiver} (policy ${incident.policy}, level ${incident.level})`,
    `Assigned to:  ${incident.assignedTo ?? '-'}`,
    `Acknowledged: ${incident.acknowledgedBy ?? '-'}`,
    `Created:      ${incident.createdAt}`,
    `Labels:       {${labels}}`,
    'Timeline:',
    ...(incident.timeline ?? []).map(
      (entry) =>
        `  ${entry.at}  ${entry.kind.padEnd(24)} ${entry.actor ?? 'system'}: ${entry.message}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

// A minimal Alertmanager API v2 client over the built-in fetch, the way Prometheus and amtool
// talk to the server.

export type Labels = Record<string, string>;

export interface PostableAlert {
  labels: Labels;
  annotations?: Labels;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface GettableAlert {
  labels: Labels;
  annotations: Labels;
  fingerprint: string;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  receivers: { name: string }[];
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export interface GettableSilence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: string };
}

/** POST /api/v2/alerts; resolves with the HTTP status (0 when the connection failed). */
export async function postAlerts(
  baseUrl: string,
  alerts: readonly PostableAlert[],
  timeoutMs = 10_000,
): Promise<number> {
  try {
    const response = await fetch(`${baseUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** POST /api/v2/silences; resolves with the new id, or undefined when not acknowledged. */
export async function postSilence(
  baseUrl: string,
  silence: {
    matchers: Matcher[];
    startsAt: string;
    endsAt: string;
    createdBy: string;
    comment: string;
  },
  timeoutMs = 10_000,
): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(silence),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.status !== 200) return undefined;
    const id = (JSON.parse(text) as { silenceID?: unknown }).silenceID;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** GET /api/v2/alerts with every state included (active, silenced, inhibited, unprocessed). */
export function getAlerts(baseUrl: string): Promise<GettableAlert[]> {
  return getJson(`${baseUrl}/api/v2/alerts`);
}

export function getSilences(baseUrl: string): Promise<GettableSilence[]> {
  return getJson(`${baseUrl}/api/v2/silences`);
}

import { spawn } from 'node:child_process';
import { amtoolBinary } from '../../lib/systems.mjs';

export interface AmtoolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs the real amtool against `url`. HOME points at `home` so that no user's
 * ~/.config/prometheus/amtool.yml changes the defaults; a non-zero exit is a result. amtool's
 * version check (on by default: a warning on stderr when the server's versionInfo.version is not
 * amtool's) is turned off unless `versionCheck`, so that one step checks it and the others
 * report their own differences.
 */
export function runAmtool(
  url: string,
  args: readonly string[],
  options: { home: string; input?: string; timeoutMs?: number; versionCheck?: boolean },
): Promise<AmtoolResult> {
  const global = [`--alertmanager.url=${url}`];
  if (!options.versionCheck) global.push('--no-version-check');
  return new Promise((resolve, reject) => {
    const child = spawn(amtoolBinary(), [...global, ...args], {
      env: { ...process.env, HOME: options.home, TZ: 'UTC' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code ?? (signal ? 128 : 1) });
    });
    child.stdin.end(options.input ?? '');
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** amtool's --date.format default, "2006-01-02 15:04:05 MST". */
const AMTOOL_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z][A-Za-z0-9+-]{2,5}/g;
/** RFC 3339 as Go marshals it: optional fraction of up to 9 digits, Z or an offset. */
const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})/g;

/**
 * Rewrites one system's amtool output so that two systems can be compared. Exactly this is
 * normalised, nothing else (whitespace, column widths, order, fingerprints and error texts stay):
 * - silence ids (any UUID) become `<id-N>`, numbered by first appearance in this system's whole
 *   transcript, so the same silence keeps the same name across steps, and a silence that one
 *   system updates in place while the other replaces it shows up as a difference;
 * - timestamps (amtool's `2006-01-02 15:04:05 MST` and RFC 3339 in JSON) become `<time>`;
 * - the server's own base URL (host:port) becomes `<server>`.
 */
export class Normaliser {
  private readonly ids = new Map<string, string>();

  constructor(private readonly serverUrl: string) {}

  normalise(text: string): string {
    const host = new URL(this.serverUrl).host;
    return text
      .replace(UUID, (id) => {
        let name = this.ids.get(id);
        if (!name) {
          name = `<id-${this.ids.size + 1}>`;
          this.ids.set(id, name);
        }
        return name;
      })
      .replace(RFC3339, '<time>')
      .replace(AMTOOL_TIME, '<time>')
      .split(this.serverUrl.replace(/\/$/, ''))
      .join('<server>')
      .split(host)
      .join('<server>');
  }
}

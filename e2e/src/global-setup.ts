import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killRegistered } from '../lib/processes.mjs';

// Every process a test starts is recorded in this file (see lib/processes.mjs); whatever is still
// running when the run ends — a worker that crashed or timed out skips its afterAll — is killed
// here, so that a failing run leaks no Prometheus, Alertmanager or Phoenix server.
export default function setup(): () => void {
  const directory = mkdtempSync(join(tmpdir(), 'phoenix-e2e-pids-'));
  const pidFile = join(directory, 'pids.jsonl');
  process.env.PHOENIX_E2E_PID_FILE = pidFile;
  return () => {
    const killed = killRegistered(pidFile);
    if (killed.length > 0) {
      console.warn(
        `e2e teardown killed ${killed.length} leftover process(es):\n${killed.join('\n')}`,
      );
    }
    rmSync(directory, { recursive: true, force: true });
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAll } from '../../lib/processes.mjs';
import { resolvePhoenixCommand, startSystem } from '../../lib/systems.mjs';
import type { RunningSystem } from '../../lib/systems.mjs';
import { startWebhookSink } from '../../lib/webhook-sink.mjs';
import type { WebhookSink } from '../../lib/webhook-sink.mjs';

/**
 * What the suite tests: the Phoenix server (the default), or — with E2E_TARGET=alertmanager — a
 * second real Alertmanager, to check the harness itself against the reference implementation.
 */
export type TargetKind = 'phoenix' | 'alertmanager';

export const targetKind: TargetKind =
  process.env.E2E_TARGET === 'alertmanager' ? 'alertmanager' : 'phoenix';

/** How the target is launched, for the test titles and logs. */
export function describeTarget(): string {
  if (targetKind === 'alertmanager') return 'Alertmanager (E2E_TARGET=alertmanager)';
  return `Phoenix (${resolvePhoenixCommand()?.description ?? 'not built'})`;
}

/**
 * Owns what one test file starts: temp directories, webhook sinks and processes. `cleanup()`
 * (from afterAll) kills every process with SIGKILL, closes the sinks and removes the directories
 * — unless E2E_KEEP_TEMP=1, which keeps them (with each process's log) for a post-mortem.
 */
export class Harness {
  readonly root: string;
  private readonly sinks: WebhookSink[] = [];

  constructor(name: string) {
    this.root = mkdtempSync(join(tmpdir(), `phoenix-e2e-${name}-`));
  }

  dir(name: string): string {
    return mkdtempSync(join(this.root, `${name}-`));
  }

  async sink(options?: { keepBodies?: boolean }): Promise<WebhookSink> {
    const sink = await startWebhookSink(options);
    this.sinks.push(sink);
    return sink;
  }

  /** Starts the system under test (`kind` defaults to the target) with `configFile`. */
  async start(
    configFile: string,
    options: { kind?: TargetKind; name?: string; dataDir?: string; port?: number } = {},
  ): Promise<RunningSystem> {
    const kind = options.kind ?? targetKind;
    const name = options.name ?? kind;
    const dataDir = options.dataDir ?? this.dir(`${name}-data`);
    return startSystem({
      kind,
      name,
      configFile,
      dataDir,
      port: options.port,
      logFile: join(this.root, `${name}.log`),
    });
  }

  async cleanup(): Promise<void> {
    await stopAll();
    await Promise.all(this.sinks.map((sink) => sink.close()));
    if (process.env.E2E_KEEP_TEMP === '1') {
      console.warn(`E2E_KEEP_TEMP=1: kept ${this.root}`);
      return;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

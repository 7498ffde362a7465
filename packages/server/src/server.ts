// The reference server: the Alertmanager API v2 in front of a Phoenix pipeline, with durable state.
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import {
  PhoenixError,
  createAlertMarker,
  createLogger,
  createMemoryStore,
  createPipelineEvents,
  systemClock,
} from '@phoenix-alerting/core';
import type { Clock, Store } from '@phoenix-alerting/core';
import { createSilences } from '@phoenix-alerting/processor-silence';
import type { Silences } from '@phoenix-alerting/processor-silence';
import { createSqliteStore } from '@phoenix-alerting/store-sqlite';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { HttpError } from './api/context.js';
import type { ApiContext } from './api/context.js';
import { buildApp } from './http.js';
import { loadServerConfig } from './load-server-config.js';
import type { ConfigSource, LoadedConfig } from './load-server-config.js';
import { ServerMetrics } from './metrics.js';
import { buildRuntime } from './runtime.js';
import type { Runtime, RuntimeShared, TunablePipelineOptions } from './runtime.js';
import type { ServerSettings } from './settings.js';

/** Options of {@link createServer}. Exactly one of `configFile` and `configText` is required. */
export interface CreateServerOptions {
  /** The configuration file; `reload()` (and `/-/reload`, SIGHUP) re-reads it. */
  configFile?: string;
  /** The configuration itself, when it does not come from a file; `reload()` re-parses it. */
  configText?: string;
  /** Variables for `${NAME}` in the configuration. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where the SQLite store lives (created if missing). `:memory:` keeps everything in process
   * memory (lost on exit). Default `./data`. Ignored when `store` is given.
   */
  dataDir?: string;
  /** A store to use instead of the one `dataDir` names; the caller starts and stops it. */
  store?: Store;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: `createLogger()` from core (pino, with Phoenix's redaction of secrets). */
  logger?: Logger;
  /**
   * The URL notifications link back to (`externalURL` of webhook messages). Default: the
   * `server.external_url` setting, else `http://<hostname>:9093`, as Alertmanager derives it.
   */
  externalURL?: string;
  /** The URL used when neither `externalURL` nor `server.external_url` is set. */
  defaultExternalURL?: string;
  /** Where `console_configs` receivers print. Default `process.stdout`. */
  consoleStream?: Writable;
  /** Pipeline tuning (queues, retries, drain time) that the configuration file does not set. */
  pipeline?: TunablePipelineOptions;
  /** Also expose prom-client's process and Node.js metrics on `/metrics`. Default true. */
  defaultMetrics?: boolean;
}

/** A server built by {@link createServer}. */
export interface PhoenixServer {
  /** The HTTP application, not listening: test it with `app.inject()`, or call `listen`. */
  readonly app: FastifyInstance;
  /** The registry `/metrics` serves. */
  readonly metrics: Registry;
  /** The store the server keeps its state in. */
  readonly store: Store;
  /** The silence service behind `/api/v2/silences`. */
  readonly silences: Silences;
  /** Whether the server has started (state restored) and is not stopping: `/-/ready`. */
  readonly ready: boolean;
  /**
   * Opens the store's state: loads silences and alerts and resumes aggregation groups, then
   * serves. Runs once; API requests made meanwhile wait for it.
   */
  start(): Promise<void>;
  /** Starts (if not yet) and listens; resolves with the address, e.g. `http://127.0.0.1:9093`. */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /**
   * Re-reads the configuration. A valid one replaces the routing tree, receivers, inhibition
   * rules and time intervals: the old pipeline is drained and a new one started on the same
   * store, silences and alerts. An invalid one is rejected (with the `ConfigError`) and the old
   * configuration keeps running. Reloads run one at a time.
   */
  reload(): Promise<void>;
  /** Stops listening, drains the pipeline and closes the store it opened. Runs once. */
  stop(): Promise<void>;
}

type State = 'created' | 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

function lifecycleFree(store: Store): Store {
  // Each runtime's pipeline stops "its" store when it stops; the server owns the real one.
  return {
    alerts: store.alerts,
    silences: store.silences,
    notificationLog: store.notificationLog,
    groups: store.groups,
    ...(store.kv ? { kv: store.kv } : {}),
    ...(store.escalation ? { escalation: store.escalation } : {}),
    ...(store.attempts ? { attempts: store.attempts } : {}),
  };
}

/**
 * Builds the reference server from an Alertmanager-compatible configuration. Validates the whole
 * configuration and opens the store now; nothing runs until `start()` or `listen()`.
 *
 * @throws ConfigError for an invalid configuration (every problem, with its YAML path).
 * @throws PhoenixError `ERR_STORE` when the store cannot be opened.
 */
export function createServer(options: CreateServerOptions): PhoenixServer {
  if ((options.configFile === undefined) === (options.configText === undefined))
    throw new PhoenixError(
      'ERR_CONFIG_INVALID',
      'createServer needs exactly one of configFile and configText',
    );
  const source: ConfigSource = {
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
    ...(options.configText !== undefined ? { configText: options.configText } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  };
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  let loaded: LoadedConfig = loadServerConfig(source);

  const ownsStore = options.store === undefined;
  const dataDir = options.dataDir ?? './data';
  const store: Store =
    options.store ??
    (dataDir === ':memory:'
      ? createMemoryStore()
      : createSqliteStore({ directory: dataDir, clock, logger }));
  const marker = createAlertMarker();
  const silences = createSilences({ store, clock, marker, logger });
  const externalURLFor = (config: LoadedConfig) =>
    options.externalURL ??
    config.settings.externalURL ??
    options.defaultExternalURL ??
    `http://${hostname()}:9093`;
  const shared: Omit<RuntimeShared, 'externalURL'> = {
    store: lifecycleFree(store),
    clock,
    logger,
    marker,
    silences,
    ...(options.consoleStream ? { consoleStream: options.consoleStream } : {}),
    ...(options.pipeline ? { pipelineOptions: options.pipeline } : {}),
  };
  const build = (config: LoadedConfig) =>
    buildRuntime(config, { ...shared, externalURL: externalURLFor(config) });

  let current: Runtime = build(loaded);
  // The body limit is fixed when the HTTP server is built; a reload cannot change it.
  const bodyLimit = loaded.settings.maxRequestBytes;
  let settings: ServerSettings = loaded.settings;
  let state: State = 'created';
  let starting: Promise<void> | undefined;
  let switching: Promise<void> | undefined;
  let reloads: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  const startedAt = clock.now();

  const metrics = new ServerMetrics(
    { clock, marker, silences, runtime: () => (state === 'created' ? undefined : current) },
    { defaultMetrics: options.defaultMetrics ?? true },
  );
  let detachMetrics = () => {};
  const attach = (runtime: Runtime) => {
    detachMetrics();
    detachMetrics = metrics.attach(runtime.pipeline.events);
  };

  const context: ApiContext = {
    clock,
    logger,
    marker,
    silences,
    metrics,
    startedAt,
    async runtime() {
      if (state === 'created') throw new HttpError(503, 'the server has not been started');
      if (state === 'stopping' || state === 'stopped')
        throw new HttpError(503, 'the server is shutting down');
      await starting;
      while (switching) await switching;
      if (state === 'failed') throw new HttpError(503, 'the server failed to start');
      return current;
    },
    settings: () => settings,
    // Stays ready during a reload, as Alertmanager: requests wait for the new pipeline.
    ready: () => state === 'running',
    reload: () => reload(),
  };
  const app = buildApp(context, { bodyLimit, logger });

  function start(): Promise<void> {
    return (starting ??= (async () => {
      if (state !== 'created') throw new PhoenixError('ERR_PIPELINE_STOPPED', 'server stopped');
      state = 'starting';
      try {
        if (ownsStore) {
          await store.start?.({ clock, logger, store, events: createPipelineEvents() });
        }
        await silences.start();
        attach(current);
        await current.start();
        metrics.configLoaded(true, clock.now(), loaded.hash);
        state = 'running';
        logger.info(
          {
            alerts: current.dedup.size,
            silences: silences.size,
            receivers: current.receiverNames.length,
            config: loaded.file,
          },
          'server started',
        );
      } catch (error) {
        state = 'failed';
        throw error;
      }
    })());
  }

  async function swap(next: Runtime, config: LoadedConfig): Promise<void> {
    let release = () => {};
    switching = new Promise((resolve) => (release = resolve));
    const previous = current;
    try {
      await previous.stop();
      current = next;
      attach(next);
      try {
        await next.start();
      } catch (error) {
        // The new pipeline failed to start: go back to the previous configuration.
        await next.stop().catch(() => {});
        current = build(previous.loaded);
        attach(current);
        await current.start();
        throw error;
      }
      loaded = config;
      settings = { ...config.settings, maxRequestBytes: bodyLimit };
    } finally {
      switching = undefined;
      release();
    }
  }

  async function reloadOnce(): Promise<void> {
    if (state !== 'running')
      throw new PhoenixError('ERR_PIPELINE_STOPPED', `cannot reload: the server is ${state}`);
    let config: LoadedConfig;
    let next: Runtime;
    try {
      config = loadServerConfig(source);
      next = build(config);
    } catch (error) {
      metrics.configLoaded(false, clock.now());
      logger.error({ err: error }, 'configuration reload failed; the previous one keeps running');
      throw error;
    }
    if (config.settings.maxRequestBytes !== bodyLimit)
      logger.warn(
        { configured: config.settings.maxRequestBytes, effective: bodyLimit },
        'server.max_request_bytes changed: it takes effect at the next restart',
      );
    try {
      await swap(next, config);
    } catch (error) {
      metrics.configLoaded(false, clock.now());
      logger.error({ err: error }, 'configuration reload failed; the previous one keeps running');
      throw error;
    }
    metrics.configLoaded(true, clock.now(), config.hash);
    logger.info({ config: config.file }, 'configuration reloaded');
  }

  function reload(): Promise<void> {
    const result = reloads.then(reloadOnce);
    reloads = result.catch(() => {});
    return result;
  }

  function stop(): Promise<void> {
    return (stopping ??= (async () => {
      const previous = state;
      state = 'stopping';
      await app.close();
      await reloads;
      if (previous !== 'created') {
        await starting?.catch(() => {});
        await current.stop();
      }
      detachMetrics();
      await silences.stop();
      if (ownsStore) {
        const deadline = clock.now() + 10_000;
        await store.stop?.({ deadline, signal: new AbortController().signal });
      }
      state = 'stopped';
      logger.info('server stopped');
    })());
  }

  return {
    app,
    metrics: metrics.registry,
    store,
    silences,
    get ready() {
      return context.ready();
    },
    start,
    async listen(listenOptions = {}) {
      const started = start();
      started.catch(() => {});
      const address = await app.listen({
        host: listenOptions.host ?? '127.0.0.1',
        port: listenOptions.port ?? 9093,
      });
      try {
        await started;
      } catch (error) {
        await app.close();
        throw error;
      }
      return address;
    },
    reload,
    stop,
  };
}

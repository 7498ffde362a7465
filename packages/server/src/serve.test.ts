import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@phoenix-alerting/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseListenAddress, parseServeArgs, serve } from './serve.js';
import type { ServeResult } from './serve.js';
import { waitFor } from './test-harness.js';

let running: ServeResult | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('parseServeArgs', () => {
  it('reads --config, --listen and --data, also as --flag=value', () => {
    expect(parseServeArgs(['--config', 'phoenix.yml'])).toEqual({ configFile: 'phoenix.yml' });
    expect(
      parseServeArgs([
        '--config=phoenix.yml',
        '--listen',
        '0.0.0.0:9093',
        '--data=/var/lib/phoenix',
      ]),
    ).toEqual({ configFile: 'phoenix.yml', listen: '0.0.0.0:9093', dataDir: '/var/lib/phoenix' });
  });

  it("accepts Alertmanager's flag names", () => {
    expect(
      parseServeArgs([
        '--config.file=alertmanager.yml',
        '--web.listen-address=:9093',
        '--storage.path',
        'data/',
      ]),
    ).toEqual({ configFile: 'alertmanager.yml', listen: ':9093', dataDir: 'data/' });
  });

  it.each([
    [[], /missing --config FILE/],
    [['--config'], /--config needs a value/],
    [['--config', 'a.yml', '--listen'], /--listen needs a value/],
    [['--config', 'a.yml', '--verbose'], /unknown flag --verbose/],
    [['a.yml'], /unexpected argument "a.yml"/],
    [['--config', 'a.yml', '--listen', '9093'], /invalid listen address "9093"/],
    [['--config', 'a.yml', '--listen', 'localhost:99999'], /invalid listen address/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseServeArgs(argv)).toThrow(message);
    expect(() => parseServeArgs(argv)).toThrow(/usage: phoenix-alerting serve --config FILE/);
  });

  it('splits listen addresses as Go does', () => {
    expect(parseListenAddress('127.0.0.1:9093')).toEqual({ host: '127.0.0.1', port: 9093 });
    expect(parseListenAddress(':9093')).toEqual({ host: '0.0.0.0', port: 9093 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListenAddress('[]:80')).toEqual({ host: '::', port: 80 });
  });
});

describe('serve', () => {
  function writeConfig(text: string): string {
    const file = join(mkdtempSync(join(tmpdir(), 'phoenix-serve-')), 'phoenix.yml');
    writeFileSync(file, text);
    return file;
  }

  it('serves the API over a real socket', async () => {
    const configFile = writeConfig(
      'route: { receiver: default }\nreceivers: [{ name: default }]\n',
    );
    running = await serve({
      configFile,
      listen: '127.0.0.1:0',
      dataDir: ':memory:',
      logger: createLogger({ level: 'silent' }),
      handleSignals: false,
      server: { defaultMetrics: false },
    });
    expect(running.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const posted = await fetch(`${running.address}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Smoke' } }]),
    });
    expect(posted.status).toBe(200);
    const alerts = (await (await fetch(`${running.address}/api/v2/alerts`)).json()) as any[];
    expect(alerts.map((alert) => alert.labels)).toEqual([{ alertname: 'Smoke' }]);
    expect((await fetch(`${running.address}/-/ready`)).status).toBe(200);
  });

  it('links notifications to server.external_url when configured, else to this host and port', async () => {
    const { Writable } = await import('node:stream');
    const lines: string[] = [];
    const consoleStream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const configFile = writeConfig(
      [
        'route: { receiver: console, group_wait: 0s }',
        'receivers: [{ name: console, console_configs: [{ format: json }] }]',
        'server: { external_url: "https://alerts.example.com" }',
        '',
      ].join('\n'),
    );
    running = await serve({
      configFile,
      listen: '127.0.0.1:0',
      dataDir: ':memory:',
      logger: createLogger({ level: 'silent' }),
      handleSignals: false,
      server: { defaultMetrics: false, consoleStream },
    });
    await fetch(`${running.address}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Linked' } }]),
    });
    await waitFor(() => lines.length > 0);
    expect(JSON.parse(lines[0]!).externalURL).toBe('https://alerts.example.com');
  });

  it('reloads on SIGHUP and drains then exits 0 on SIGTERM', async () => {
    const configFile = writeConfig('route: { receiver: a }\nreceivers: [{ name: a }]\n');
    const exits: number[] = [];
    running = await serve({
      configFile,
      listen: '127.0.0.1:0',
      dataDir: ':memory:',
      logger: createLogger({ level: 'silent' }),
      exit: (code) => exits.push(code),
      server: { defaultMetrics: false },
    });
    const receivers = async () =>
      ((await (await fetch(`${running!.address}/api/v2/receivers`)).json()) as any[]).map(
        (receiver) => receiver.name,
      );
    writeFileSync(configFile, 'route: { receiver: b }\nreceivers: [{ name: b }]\n');
    process.emit('SIGHUP');
    let names = await receivers();
    for (let attempt = 0; attempt < 100 && !names.includes('b'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      names = await receivers();
    }
    expect(names).toEqual(['b']);

    process.emit('SIGTERM');
    await waitFor(() => exits.length > 0);
    expect(exits).toEqual([0]);
    expect(running.server.ready).toBe(false);
    await expect(fetch(`${running.address}/-/healthy`)).rejects.toThrow();
  });
});

describe('serve on a port in use', () => {
  it('fails, and closes what it opened', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phoenix-serve-')), 'phoenix.yml');
    writeFileSync(file, 'route: { receiver: a }\nreceivers: [{ name: a }]\n');
    const options = {
      configFile: file,
      listen: '127.0.0.1:0',
      dataDir: join(mkdtempSync(join(tmpdir(), 'phoenix-serve-')), 'data'),
      logger: createLogger({ level: 'silent' }),
      handleSignals: false,
      server: { defaultMetrics: false },
    };
    running = await serve(options);
    const port = new URL(running.address).port;
    await expect(
      serve({ ...options, dataDir: ':memory:', listen: `127.0.0.1:${port}` }),
    ).rejects.toMatchObject({
      code: 'ERR_LISTEN_FAILED',
      message: `cannot listen on 127.0.0.1:${port}: the address is already in use (is another server running?)`,
      cause: expect.objectContaining({ code: 'EADDRINUSE' }),
    });
  });
});

import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHealthCheckSource } from './healthcheck-source.js';
import { parseAddress, runTcpCheck } from './tcp-check.js';
import { createHarness } from './test-kit.js';

async function listen() {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { server, port, close };
}

describe('tcp check', () => {
  it('parses host:port and [ipv6]:port', () => {
    expect(parseAddress('db.internal:5432')).toEqual({ host: 'db.internal', port: 5432 });
    expect(parseAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(() => parseAddress('db.internal')).toThrow('must be host:port');
    expect(() => parseAddress('::1:80')).toThrow('must be host:port');
    expect(() => parseAddress('db:70000')).toThrow(
      'port 70000 of address "db:70000" is not within 1-65535',
    );
  });

  it('passes when the port accepts a connection, and fails when it refuses', async () => {
    const { port, close } = await listen();
    const signal = new AbortController().signal;
    expect(await runTcpCheck(`127.0.0.1:${port}`, signal)).toEqual({
      ok: true,
      message: `connected to 127.0.0.1:${port}`,
    });
    await close();
    expect(await runTcpCheck(`127.0.0.1:${port}`, signal)).toEqual({
      ok: false,
      message: `connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('settles at once when aborted', async () => {
    const { port, close } = await listen();
    const controller = new AbortController();
    controller.abort();
    expect(await runTcpCheck(`127.0.0.1:${port}`, controller.signal)).toEqual({
      ok: false,
      message: `connect to 127.0.0.1:${port}: aborted`,
    });
    await close();
  });

  it('as a source: fires when a port goes away and resolves when it is back', async () => {
    const { port, close } = await listen();
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'tcp',
          name: 'postgres',
          address: `127.0.0.1:${port}`,
          intervalMs: 10_000,
          failureThreshold: 2,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.step(source, 0);
    expect(source.status()[0]!.state).toBe('ok');
    await close();
    await h.step(source, 10_000);
    await h.step(source, 10_000);
    expect(h.emitted).toHaveLength(1);
    expect(h.emitted[0]!.annotations!.failure).toContain('ECONNREFUSED');
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await h.step(source, 10_000);
    expect(h.emitted).toHaveLength(2);
    expect(h.emitted[1]!.endsAt).toBe(h.clock.now());
    await source.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

import { connect } from 'node:net';
import type { CheckResult } from './check-result.js';

/** Splits `host:port` or `[ipv6]:port`; throws an `Error` saying what is wrong. */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(address);
  if (!match)
    throw new Error(
      `address ${JSON.stringify(address)} must be host:port, e.g. "db.internal:5432" or "[::1]:80"`,
    );
  const port = Number(match[3]);
  if (port < 1 || port > 65535)
    throw new Error(`port ${port} of address ${JSON.stringify(address)} is not within 1-65535`);
  return { host: (match[1] ?? match[2])!, port };
}

/** Connects to `address`; succeeds once the TCP handshake completes, then closes the socket. */
export function runTcpCheck(address: string, signal: AbortSignal): Promise<CheckResult> {
  const { host, port } = parseAddress(address);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (result: CheckResult) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, message: `connect to ${address}: aborted` });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true, message: `connected to ${address}` }));
    socket.once('error', (error) =>
      finish({ ok: false, message: `connect to ${address}: ${error.message}` }),
    );
  });
}

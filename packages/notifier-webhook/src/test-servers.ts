// Servers the tests run against, on 127.0.0.1: an HTTP(S) sink that records requests, a CONNECT
// proxy, and certificates made with the openssl CLI (node:crypto cannot issue X.509 certificates).
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServerOptions as HttpsOptions } from 'node:https';
import { connect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface SinkRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Subject CN of the client certificate, for mutual TLS. */
  clientCN?: string | undefined;
}

export type SinkAnswer =
  { status?: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface Sink {
  /** `http(s)://127.0.0.1:<port>` */
  url: string;
  port: number;
  requests: SinkRequest[];
  respond(answer: SinkAnswer | ((request: SinkRequest) => SinkAnswer)): void;
  nextRequest(): Promise<SinkRequest>;
  close(): Promise<void>;
}

async function listen(server: Server | NetServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Starts a sink that answers every request (200, empty by default) and records it. */
export async function startSink(tls?: HttpsOptions): Promise<Sink> {
  const requests: SinkRequest[] = [];
  const waiting: ((request: SinkRequest) => void)[] = [];
  const hanging = new Set<ServerResponse>();
  let answer: SinkAnswer | ((request: SinkRequest) => SinkAnswer) = {};
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const socket = request.socket as TLSSocket;
      const peer = tls ? socket.getPeerCertificate?.() : undefined;
      const recorded: SinkRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCN: [peer?.subject?.CN].flat()[0],
      };
      requests.push(recorded);
      waiting.shift()?.(recorded);
      const next = typeof answer === 'function' ? answer(recorded) : answer;
      if (next === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(next.status ?? 200, next.headers ?? {});
      response.end(next.body ?? '');
    });
  };
  const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  const port = await listen(server);
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    respond(next) {
      answer = next;
    },
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Proxy {
  url: string;
  /** `host:port` targets and the Proxy-Authorization header of each CONNECT. */
  connects: { target: string; authorization?: string | undefined }[];
  close(): Promise<void>;
}

/** A forward proxy that tunnels CONNECT requests, as undici's ProxyAgent sends them. */
export async function startConnectProxy(): Promise<Proxy> {
  const connects: Proxy['connects'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_request, response) => {
    response.writeHead(405);
    response.end();
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const target = request.url ?? '';
    connects.push({ target, authorization: request.headers['proxy-authorization'] });
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Certificates {
  dir: string;
  /** PEM files: a CA, a server certificate for 127.0.0.1/localhost and one for `phoenix.test`
   * only, all signed by the CA; a client certificate (CN `phoenix-client`); a second CA. */
  files: {
    ca: string;
    serverCert: string;
    serverKey: string;
    namedCert: string;
    namedKey: string;
    clientCert: string;
    clientKey: string;
    otherCa: string;
  };
  read(file: string): string;
  remove(): void;
}

/** Makes a throwaway CA and certificates with the openssl CLI, in a temp directory. */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-webhook-tls-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const selfSigned = (name: string, cn: string) =>
    openssl(
      'req',
      '-x509',
      ...key,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.pem`),
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
    );
  const signed = (name: string, cn: string, san?: string) => {
    openssl(
      'req',
      ...key,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
      '-subj',
      `/CN=${cn}`,
    );
    const extensions = path(`${name}.ext`);
    writeFileSync(extensions, san ? `subjectAltName=${san}\n` : 'basicConstraints=CA:FALSE\n');
    openssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path('ca.pem'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-out',
      path(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      extensions,
    );
  };
  selfSigned('ca', 'Phoenix Test CA');
  selfSigned('other-ca', 'Other Test CA');
  signed('server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  signed('named', 'phoenix.test', 'DNS:phoenix.test');
  signed('client', 'phoenix-client');
  return {
    dir,
    files: {
      ca: path('ca.pem'),
      serverCert: path('server.pem'),
      serverKey: path('server.key'),
      namedCert: path('named.pem'),
      namedKey: path('named.key'),
      clientCert: path('client.pem'),
      clientKey: path('client.key'),
      otherCa: path('other-ca.pem'),
    },
    read: (file) => readFileSync(file, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

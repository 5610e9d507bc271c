// Real network faults for the client's fault suite and bench: a DNS lookup that fails until "the
// network comes back", and certificates made at run time with openssl for the TLS faults.
import { execFileSync } from 'node:child_process';
import { lookup as dnsLookup } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';

/** A port on 127.0.0.1 that nothing listens on (until someone does). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * An undici transport whose lookups really resolve (a reserved `.invalid` name fails) until `heal()`,
 * after which every name resolves to 127.0.0.1.
 */
export function dnsThatComesBack(): { agent: Agent; heal(): void } {
  let up = false;
  const agent = new Agent({
    connect: {
      lookup: ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (!up) return dnsLookup(hostname, options as never, callback as never);
        if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
      }) as never,
    },
  });
  return { agent, heal: () => void (up = true) };
}

export interface KeyPair {
  key: Buffer;
  cert: Buffer;
}
export interface Certificates {
  ca: Buffer;
  selfSigned: KeyPair;
  signed: KeyPair;
}

/** A test CA, a certificate it signed for 127.0.0.1, and an unrelated self-signed one; undefined without openssl. */
export function makeCertificates(): Certificates | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl('req', '-x509', ...ec, '-subj', '/CN=Kestrel test CA', '-days', '1', '-keyout', at('ca.key'), '-out', at('ca.pem'));
    openssl('req', '-x509', ...ec, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', at('self.key'), '-out', at('self.pem'));
    openssl('req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', at('leaf.key'), '-out', at('leaf.csr'));
    writeFileSync(at('leaf.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', at('leaf.ext'), '-out', at('leaf.pem'));
    const read = (name: string) => readFileSync(at(name));
    return { ca: read('ca.pem'), selfSigned: { key: read('self.key'), cert: read('self.pem') }, signed: { key: read('leaf.key'), cert: read('leaf.pem') } };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ConnectProxy {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** The CONNECT requests seen, as `host:port`. */
  readonly tunnels: string[];
  close(): Promise<void>;
}

/**
 * A forward proxy as companies run them: it answers CONNECT with `refuse` (407, 403, 502) or opens
 * the tunnel to the target, which then speaks TLS with the client end to end.
 */
export async function startConnectProxy(options: { refuse?: number } = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket) => {
    tunnels.push(req.url ?? '');
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (options.refuse) {
      const reason = { 407: 'Proxy Authentication Required', 403: 'Forbidden', 502: 'Bad Gateway' }[options.refuse] ?? 'Refused';
      const auth = options.refuse === 407 ? 'Proxy-Authenticate: Basic realm="corp"\r\n' : '';
      client.end(`HTTP/1.1 ${options.refuse} ${reason}\r\n${auth}Content-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () => closeServer(server, sockets),
  };
}

/** Closes a test server at once: its open sockets are destroyed rather than waited for. */
export function closeServer(server: { close(callback: () => void): unknown }, sockets: Iterable<{ destroy(): void }>): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
}

// The keep-alive pool: what a request costs with a fresh TLS connection each time (the baseline)
// against Kestrel's pooled client, and after warm(). A local HTTPS server with a self-signed
// certificate answers at once, so the figures are the client's and TLS's own cost on loopback;
// over the internet every handshake adds one or two round trips on top.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChatClient } from '../src/core/client/client';
import { percentile, table } from './stats';

const ROUNDS = 40;

function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-bench-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<string> {
  const handshakes = { count: 0 };
  const server = createServer(selfSignedCertificate(), (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\n');
      res.end('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\ndata: [DONE]\n\n');
    });
  });
  server.on('secureConnection', () => handshakes.count++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const options = { baseUrl, apiKey: 'bench-key', proxy: { rejectUnauthorized: false } };
  const request = { model: 'bench', messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 8 };

  const timeOne = async (client: ReturnType<typeof createChatClient>) => {
    const started = performance.now();
    await client.stream(request).result;
    return performance.now() - started;
  };

  const rows: string[][] = [];
  const measure = async (label: string, once: () => Promise<number>) => {
    const before = handshakes.count;
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) times.push(await once());
    rows.push([label, String(ROUNDS), String(handshakes.count - before), percentile(times, 50).toFixed(2), percentile(times, 90).toFixed(2)]);
    return percentile(times, 50);
  };

  const fresh = await measure('new connection per request (baseline)', async () => {
    const client = createChatClient(options);
    try {
      return await timeOne(client);
    } finally {
      await client.dispose();
    }
  });

  const pooled = createChatClient(options);
  await timeOne(pooled);
  const reused = await measure('pooled keep-alive connection', () => timeOne(pooled));
  await pooled.dispose();

  const warmed = await measure('warm() while typing, then the request', async () => {
    const client = createChatClient(options);
    try {
      await client.warm();
      // The request follows after the debounce, by which time the warmed connection is idle in the pool.
      await new Promise((r) => setTimeout(r, 100));
      return await timeOne(client);
    } finally {
      await client.dispose();
    }
  });

  await new Promise<void>((resolve) => server.close(() => resolve()));
  return [
    table(['request', 'n', 'TLS handshakes', 'p50 ms', 'p90 ms'], rows),
    '',
    `Pooled / baseline p50: ${(reused / fresh).toFixed(2)}×. After warm() the request itself costs ${(warmed / fresh).toFixed(2)}× the baseline (the handshake happened during the debounce).`,
  ].join('\n');
}

if (require.main === module) void run().then((t) => console.log(t));

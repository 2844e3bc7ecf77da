import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TlsProxy {
  /** https://127.0.0.1:PORT, with a self-signed certificate. */
  endpoint: string;
  close(): Promise<void>;
}

/** An HTTPS endpoint with a self-signed certificate in front of an HTTP one (moto), as a local AWS often is. */
export async function selfSignedProxy(target: string): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-tls-'));
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ]);
  const targetUrl = new URL(target);
  const proxy = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (incoming, outgoing) => {
    const forwarded = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // a client's kept-alive connections would hold close() open
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

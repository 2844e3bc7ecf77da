import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from '../net.js';
import type { StartedServer } from './types.js';

/**
 * An HTTP server for the `http` target's tests. Every request outside /__sink/ is recorded
 * (body kept byte for byte) and answered 200, or with the status a test asked for.
 * Tests keep apart by path: each uses its own path prefix.
 */
export const CONTROL_PREFIX = '/__sink';

export interface HttpSinkEndpoints {
  endpoint: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query string, as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body, base64-encoded so that bytes survive the trip to the test. */
  body: string;
  receivedAt: number;
}

/** Answer requests under `path` with `status`, for the next `count` of them (all, when absent). */
export interface ResponseRule {
  path: string;
  status: number;
  count?: number;
  body?: string;
}

export async function startHttpSink(): Promise<StartedServer<HttpSinkEndpoints>> {
  const recorded: RecordedRequest[] = [];
  let rules: ResponseRule[] = [];

  const handleControl = (request: IncomingMessage, body: Buffer, url: URL, response: ServerResponse): void => {
    const route = `${request.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
    const prefix = url.searchParams.get('path') ?? '/';
    switch (route) {
      case 'GET /requests':
        return sendJson(response, 200, recorded.filter((entry) => entry.path.startsWith(prefix)));
      case 'DELETE /requests':
        recorded.splice(0, recorded.length, ...recorded.filter((entry) => !entry.path.startsWith(prefix)));
        return sendJson(response, 200, {});
      case 'POST /rules': {
        const rule = JSON.parse(body.toString('utf8')) as ResponseRule;
        rules = [rule, ...rules.filter((existing) => existing.path !== rule.path)];
        return sendJson(response, 200, {});
      }
      default:
        return sendJson(response, 404, { message: `unknown control route ${route}` });
    }
  };

  const respond = (path: string, response: ServerResponse): void => {
    const rule = rules.find((candidate) => path.startsWith(candidate.path));
    if (!rule) return sendJson(response, 200, { ok: true });
    if (rule.count !== undefined && --rule.count <= 0) rules = rules.filter((existing) => existing !== rule);
    response.writeHead(rule.status, { 'content-type': 'application/json' });
    response.end(rule.body ?? JSON.stringify({ status: rule.status }));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(request.url ?? '/', 'http://sink');
      if (url.pathname.startsWith(`${CONTROL_PREFIX}/`)) return handleControl(request, body, url, response);
      const path = request.url ?? '/';
      recorded.push({
        method: request.method ?? 'GET',
        path,
        headers: request.headers,
        body: body.toString('base64'),
        receivedAt: Date.now(),
      });
      respond(path, response);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    endpoints: { endpoint: `http://${LOOPBACK}:${port}` },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

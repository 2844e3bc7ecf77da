import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isTargetOperation } from '../fault-proxy/apis.js';
import { operationOf } from '../fault-proxy/operations.js';
import type { Handler, Keep, Reply } from './calls.js';
import { answerControl } from './control.js';
import { invalidRequest, unknownOperation } from './errors.js';
import { emptyTableReads } from './dynamodb.js';
import { STANDALONE_READS, WRITES } from './handlers.js';
import { Recorder } from './recorder.js';
import { FAKE_CONTROL_PREFIX } from './routes.js';
import { forwarderTo } from './upstream.js';

export interface FakeAwsServerOptions {
  upstream?: string | undefined;
  keep: boolean;
  /** Tables whose GetItem the fake answers itself, finding nothing (see emptyTableReads). */
  emptyTables?: readonly string[];
}

const CONTROL_PATH = `${FAKE_CONTROL_PREFIX}/`;
const INTERNAL_ERROR = 500;

/**
 * The fake AWS endpoint's HTTP server: target writes answered at once as successes, every other
 * request passed to the upstream (or, without one, answered as an unknown operation). Connections
 * stay open as long as the clients keep them.
 */
export function createFakeAwsServer(options: FakeAwsServerOptions): Server {
  const recorder = new Recorder();
  const keep: Keep | undefined = options.keep ? recorder.keep : undefined;
  const forward = options.upstream === undefined ? undefined : forwarderTo(options.upstream);
  const emptyTableRead = emptyTableReads(new Set(options.emptyTables ?? []));

  /** Writes are answered here; so are the reads a sender makes before it writes, when there is no upstream to ask. */
  const handlerOf = (operation: string): Handler | undefined =>
    isTargetOperation(operation) ? WRITES[operation] : forward === undefined ? STANDALONE_READS[operation] : undefined;

  const handle = (request: IncomingMessage, body: Buffer, response: ServerResponse): void => {
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    if (url.startsWith(CONTROL_PATH)) return answerControl(recorder, method, url, response);
    const operation = operationOf(method, url, request.headers, body);
    const handler = handlerOf(operation) ?? emptyTableRead(operation, body);
    const requestId = randomUUID();
    if (!handler) {
      recorder.count(operation, 1, body.length);
      if (forward) return forward(request, body, response);
      return send(response, unknownOperation(operation, request.headers), requestId);
    }
    const query = url.indexOf('?');
    let entries = 0;
    let reply: Reply;
    try {
      ({ entries, reply } = handler({ body, path: query < 0 ? url : url.slice(0, query), headers: request.headers, requestId }, keep));
    } catch (error) {
      reply = invalidRequest(operation, request.headers, error);
    }
    recorder.count(operation, entries, body.length);
    send(response, reply, requestId);
  };

  return createServer({ keepAliveTimeout: 0, requestTimeout: 0, noDelay: true }, (request, response) => {
    response.on('error', () => undefined);
    // a client gone mid-request (a poller killed with SIGKILL) makes the request emit `aborted`: without a listener it would end the process
    request.on('error', () => undefined);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        handle(request, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), response);
      } catch (error) {
        const text = `fake AWS: ${request.method} ${request.url}: ${error instanceof Error ? error.message : String(error)}`;
        if (response.headersSent) response.destroy();
        else send(response, { status: INTERNAL_ERROR, headers: { 'content-type': 'text/plain' }, body: text }, randomUUID());
      }
    });
  });
}

function send(response: ServerResponse, reply: Reply, requestId: string): void {
  response.writeHead(reply.status, { ...reply.headers, 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(reply.body) });
  response.end(reply.body);
}

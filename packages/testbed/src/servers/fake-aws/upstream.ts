import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { HOP_BY_HOP, headersWithout } from '../fault-proxy/streams.js';

/** Passes a request on as it came (method, path, headers but Host, body) and relays the answer. */
export type Forward = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/** Set again for the upstream: its own Host, and the length of the body read whole. */
const REPLACED_HEADERS = [...HOP_BY_HOP, 'host', 'content-length', 'expect'];
const BAD_GATEWAY = 502;

export function forwarderTo(upstream: string): Forward {
  const url = new URL(upstream);
  if (url.protocol !== 'http:') throw new Error(`fake AWS: the upstream must be an http:// URL, not ${upstream}`);
  const agent = new Agent({ keepAlive: true });
  return (request, body, response) => {
    const headers = [...headersWithout(request.rawHeaders, REPLACED_HEADERS), 'Host', url.host, 'Content-Length', String(body.length)];
    const forwarded = httpRequest({ host: url.hostname, port: url.port, method: request.method, path: request.url, headers, agent }, (answer) => {
      response.writeHead(answer.statusCode ?? BAD_GATEWAY, answer.statusMessage, headersWithout(answer.rawHeaders, HOP_BY_HOP));
      // an answer cut off by the upstream ends the client's too, rather than the process
      answer.once('error', () => response.destroy());
      answer.pipe(response);
    });
    forwarded.once('error', (error) => {
      if (response.headersSent) return response.destroy();
      const text = `fake AWS: the upstream ${upstream} failed: ${error.message}`;
      response.writeHead(BAD_GATEWAY, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    });
    forwarded.end(body);
  };
}

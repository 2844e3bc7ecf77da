import { Agent, request } from 'node:http';
import { HTTP_MAX_BODY_BYTES } from '../../src/targets/http/index.js';
import { bodies, httpDocument, inFlight, itemsOf, type Baseline } from './shared.js';

/** Node's HTTP client, as the http target sends: connections kept alive, each answer drained. */
export const baseline: Baseline = (collapse, to) => {
  const agent = new Agent({ keepAlive: true });
  const url = new URL(to.httpUrl);
  const post = (body: Buffer, contentType: string) =>
    new Promise<void>((resolve, reject) => {
      const posted = request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (response) => {
        response.resume();
        resolve();
      });
      posted.once('error', reject);
      posted.end(body);
    });
  return async (event) => {
    const items = itemsOf(event);
    const parts = collapse === 'none' || collapse === 'JSON' ? items.map((item) => Buffer.from(httpDocument(item.record))) : items.map((item) => item.data);
    const contentType = collapse === 'concat' ? 'application/octet-stream' : collapse === 'concat-b64' ? 'text/plain' : 'application/json';
    await inFlight(bodies(parts, collapse, HTTP_MAX_BODY_BYTES), (body) => post(body, contentType));
  };
};

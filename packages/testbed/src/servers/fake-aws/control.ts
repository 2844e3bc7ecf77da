import type { ServerResponse } from 'node:http';
import type { Recorder } from './recorder.js';
import { CONTROL_ROUTES } from './routes.js';

/** Answers a request to one of the fake's own routes (see routes.ts). */
export function answerControl(recorder: Recorder, method: string, url: string, response: ServerResponse): void {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  switch (`${method} ${path}`) {
    case `GET ${CONTROL_ROUTES.counters}`:
      return sendJson(response, 200, recorder.counters());
    case `POST ${CONTROL_ROUTES.reset}`:
      recorder.reset();
      return sendJson(response, 200, {});
    case `GET ${CONTROL_ROUTES.kept}`: {
      const destination = query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get('destination');
      return sendJson(response, 200, recorder.kept(destination ?? undefined));
    }
    default:
      return sendJson(response, 404, { message: `fake AWS: no control route ${method} ${path}` });
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

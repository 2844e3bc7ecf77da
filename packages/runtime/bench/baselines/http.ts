import { HTTP_MAX_BODY_BYTES } from '../../src/targets/http/index.js';
import { bodies, httpDocument, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (collapse, to) => {
  return async (event) => {
    const items = itemsOf(event);
    const parts = collapse === 'none' || collapse === 'JSON' ? items.map((item) => Buffer.from(httpDocument(item.record))) : items.map((item) => item.data);
    const contentType = collapse === 'concat' ? 'application/octet-stream' : collapse === 'concat-b64' ? 'text/plain' : 'application/json';
    await inFlight(bodies(parts, collapse, HTTP_MAX_BODY_BYTES), async (body) => {
      const response = await fetch(to.httpUrl, { method: 'POST', body, headers: { 'content-type': contentType } });
      await response.body?.cancel();
    });
  };
};

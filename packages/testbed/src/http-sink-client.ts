import { CONTROL_PREFIX, type RecordedRequest, type ResponseRule } from './servers/http-sink.js';

/** What a test uses to read what the HTTP sink received and to set how it answers. */
export class HttpSinkClient {
  constructor(readonly endpoint: string) {}

  /** The URL of a path on the sink, e.g. a target's destination. */
  url(path: string): string {
    return `${this.endpoint}${path}`;
  }

  async requests(pathPrefix: string): Promise<Array<RecordedRequest & { bytes: Buffer }>> {
    const recorded = (await this.control('GET', `/requests?path=${encodeURIComponent(pathPrefix)}`)) as RecordedRequest[];
    return recorded.map((entry) => ({ ...entry, bytes: Buffer.from(entry.body, 'base64') }));
  }

  async clear(pathPrefix: string): Promise<void> {
    await this.control('DELETE', `/requests?path=${encodeURIComponent(pathPrefix)}`);
  }

  async respondWith(rule: ResponseRule): Promise<void> {
    await this.control('POST', '/rules', rule);
  }

  private async control(method: string, route: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.endpoint}${CONTROL_PREFIX}${route}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!response.ok) throw new Error(`HTTP sink ${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json();
  }
}

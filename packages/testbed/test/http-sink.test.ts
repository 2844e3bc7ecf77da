import { describe, expect, inject, it } from 'vitest';
import { HttpSinkClient, uniqueName } from '../src/index.js';

const sink = new HttpSinkClient(inject('testbed').http.endpoint);

describe('HTTP sink', () => {
  it('records a POST byte for byte and gives it back', async () => {
    const path = `/${uniqueName('post')}`;
    const body = Buffer.from([0x7b, 0x22, 0xe2, 0x9c, 0x93, 0x22, 0x7d, 0x00]);
    const response = await fetch(sink.url(`${path}/records`), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream', authorization: 'Bearer t' },
    });
    expect(response.status).toBe(200);
    const [received, ...rest] = await sink.requests(path);
    expect(rest).toEqual([]);
    expect(received).toMatchObject({ method: 'POST', path: `${path}/records` });
    expect(received!.headers.authorization).toBe('Bearer t');
    expect(received!.bytes).toEqual(body);
  });

  it('answers with the status a test asks for, for as many requests as asked', async () => {
    const path = `/${uniqueName('status')}`;
    await sink.respondWith({ path, status: 503, count: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(sink.url(path), { method: 'POST', body: `${i}` })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await sink.requests(path)).map((request) => request.bytes.toString())).toEqual(['0', '1', '2']);
  });

  it('keeps the requests of different paths apart', async () => {
    const [first, second] = [`/${uniqueName('a')}`, `/${uniqueName('b')}`];
    await fetch(sink.url(first), { method: 'POST', body: 'first' });
    await fetch(sink.url(second), { method: 'POST', body: 'second' });
    await sink.clear(first);
    expect(await sink.requests(first)).toEqual([]);
    expect((await sink.requests(second)).map((request) => request.bytes.toString())).toEqual(['second']);
  });
});

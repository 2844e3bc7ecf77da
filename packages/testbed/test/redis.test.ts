import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import { uniqueName } from '../src/index.js';

const redis = new Redis(inject('testbed').redis.url);
afterAll(() => redis.quit());

it('redis-server stores a key and gives it back, byte for byte', async () => {
  const key = uniqueName('key');
  const value = Buffer.from([0, 1, 2, 0xff, 0x7f, 0x80]);
  await redis.set(key, value);
  expect(await redis.getBuffer(key)).toEqual(value);
});

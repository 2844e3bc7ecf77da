import memjs from 'memjs';
import { afterAll, expect, inject, it } from 'vitest';
import { uniqueName } from '../src/index.js';

const memcached = memjs.Client.create(inject('testbed').memcached.servers);
afterAll(() => memcached.quit());

it('memcached stores a key and gives it back, byte for byte', async () => {
  const key = uniqueName('key');
  const value = Buffer.from('déjà vu \u0000 binary');
  await memcached.set(key, value, {});
  const { value: stored } = await memcached.get(key);
  expect(stored).toEqual(value);
});

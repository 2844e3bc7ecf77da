import { Client } from 'memjs';
import { afterAll, describe, inject } from 'vitest';
import { keyValueTargetTests } from '../support/key-value-target.js';

const server = inject('testbed').memcached;
const reader = Client.create(server.servers);
afterAll(() => reader.close());

describe('memcached target', () => {
  keyValueTargetTests({
    type: 'memcached',
    destination: server.servers,
    read: async (key) => (await reader.get(key)).value ?? undefined,
  });
});

import { afterAll, describe } from 'vitest';
import { keyValueTargetTests, testbedMemcached } from '../support/key-value-target.js';

const store = testbedMemcached();
afterAll(() => store.close());

describe('memcached target', () => {
  keyValueTargetTests(store);
});

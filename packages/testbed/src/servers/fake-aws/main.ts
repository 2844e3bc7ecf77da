import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { LOOPBACK } from '../../net.js';
import { createFakeAwsServer } from './server.js';

/**
 * The fake AWS endpoint's process: `node --import tsx main.ts [--port N] [--upstream URL] [--keep] [--empty-table NAME]...`.
 * Prints `{"port":N}` once it listens (on a port the kernel picks without --port), and runs until
 * it is killed.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    upstream: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'empty-table': { type: 'string', multiple: true, default: [] },
  },
});
const server = createFakeAwsServer({ upstream: values.upstream, keep: values.keep, emptyTables: values['empty-table'] });
server.listen(Number(values.port ?? 0), LOOPBACK, () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});

import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from './network.js';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port, answering with `listener`. */
export async function startLocalServer(listener: RequestListener): Promise<LocalServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An http URL on a loopback port nothing listens on: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

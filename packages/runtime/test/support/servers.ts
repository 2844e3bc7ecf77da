import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from './network.js';

export interface LocalServer {
  url: string;
  /** The connections open to it now. */
  connections(): Promise<number>;
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
    connections: () => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
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

/** An HTTP endpoint for an http target with collapse none (one Kinesis record document a request). */
export interface RecordRefusingEndpoint extends LocalServer {
  /** The data of the records it took (answered 200), in the order they came. */
  taken: string[];
}

/** Answers 500 to the records whose data `refuses` picks, every time they come, and 200 to the others. */
export async function startRecordRefusingEndpoint(refuses: (data: string) => boolean): Promise<RecordRefusingEndpoint> {
  const taken: string[] = [];
  const server = await startLocalServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { data } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: string };
      const text = Buffer.from(data, 'base64').toString('utf8');
      const refused = refuses(text);
      if (!refused) taken.push(text);
      response.writeHead(refused ? 500 : 200).end();
    });
  });
  return { ...server, taken };
}

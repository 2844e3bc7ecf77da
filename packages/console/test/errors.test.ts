import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, uniqueName } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSession } from '../src/aws/session.js';
import { aws, environmentWithout, spawnConsole } from './support/console.js';
import { createStream } from './support/destination-resources.js';

/** Credentials for moto, which takes any key. */
const motoCredentials = { AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey };
const onMoto = ['--endpoint-url', aws.endpoint, '--region', aws.regions[0]];

/** Each kind of error as a user meets it: the process's one line on stderr, nothing on stdout, its exit code. */
const said = (code: number, message: string) => ({ code, stdout: '', stderr: `${message}\n` });

describe('errors, each said in one line with its exit code', () => {
  it('no credentials: exit 1, how to provide them', async () => {
    expect(await spawnConsole([...onMoto, 'list', '--table', 'anything'], environmentWithout())).toEqual(
      said(1, 'fanout-console: no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws sso login`, or pass --profile'),
    );
  });

  it('no credentials for the profile named: exit 1, how to add it', async () => {
    expect(await spawnConsole([...onMoto, '--profile', 'nowhere', 'list', '--table', 'anything'], environmentWithout())).toEqual(
      said(
        1,
        'fanout-console: no AWS credentials found for profile nowhere: add it to ~/.aws/config or ~/.aws/credentials (aws configure --profile nowhere), run `aws sso login --profile nowhere`, or pass another --profile',
      ),
    );
  });

  it('no region: exit 1, where to give one', async () => {
    expect(await spawnConsole(['--endpoint-url', aws.endpoint, 'list', '--table', 'anything'], environmentWithout(motoCredentials))).toEqual(
      said(1, 'fanout-console: no AWS region: pass --region or set AWS_REGION (or a region in your profile)'),
    );
  });

  describe('not found: exit 2, naming the flag', () => {
    it('a table', async () => {
      const table = uniqueName('absent');
      expect(await spawnConsole([...onMoto, 'list', '--table', table], environmentWithout(motoCredentials))).toEqual(
        said(2, `fanout-console: --table: no table ${table}; run fanout-console deploy first, or pass --table`),
      );
    });

    it('a stream', async () => {
      const stream = uniqueName('absent');
      expect(await spawnConsole([...onMoto, 'list', '--source-type', 'kinesis', '--source', stream], environmentWithout(motoCredentials))).toEqual(
        said(2, `fanout-console: --source: no Kinesis stream "${stream}" in ${aws.regions[0]}`),
      );
    });

    it('a function', async () => {
      const { name: stream } = await createStream();
      const functionName = uniqueName('absent');
      expect(await spawnConsole([...onMoto, 'hook', '--function', functionName, '--source-type', 'kinesis', '--source', stream], environmentWithout(motoCredentials))).toEqual(
        said(2, `fanout-console: --function: no function ${functionName} in ${aws.regions[0]}; run fanout-console deploy first`),
      );
    });
  });

  describe('an endpoint that cannot be reached: exit 1, naming it and what to check', () => {
    it('nothing listening on the port of --endpoint-url', async () => {
      const port = await freePort();
      expect(await spawnConsole(['--endpoint-url', `http://127.0.0.1:${port}`, '--region', aws.regions[0], 'list', '--table', 'anything'], environmentWithout(motoCredentials))).toEqual(
        said(1, `fanout-console: cannot reach 127.0.0.1:${port} (connection refused): check --endpoint-url`),
      );
    });

    it('nothing listening there, for the runtime\'s clients too (local)', async () => {
      const port = await freePort();
      expect(await spawnConsole(['--endpoint-url', `http://127.0.0.1:${port}`, '--region', aws.regions[0], 'local'], environmentWithout(motoCredentials))).toEqual(
        said(1, `fanout-console: cannot reach 127.0.0.1:${port} (connection refused): check --endpoint-url`),
      );
    });

    it('nothing listening where AWS_ENDPOINT_URL says', async () => {
      const port = await freePort();
      const env = environmentWithout({ ...motoCredentials, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_REGION: aws.regions[0] });
      expect(await spawnConsole(['list', '--table', 'anything'], env)).toEqual(
        said(1, `fanout-console: cannot reach 127.0.0.1:${port} (connection refused): check AWS_ENDPOINT_URL`),
      );
    });

    // said within seconds however the resolver fails (NXDOMAIN, or no network at all): one attempt, bounded by the connection timeout
    it('a region with no endpoint: its host does not resolve', async () => {
      expect(await spawnConsole(['--region', 'us-nowhere-9', 'list', '--table', 'anything'], environmentWithout(motoCredentials))).toEqual(
        said(1, 'fanout-console: cannot reach dynamodb.us-nowhere-9.amazonaws.com (no such host): check --region and your network'),
      );
    });

    it('a host of --endpoint-url that does not resolve', async () => {
      expect(
        await spawnConsole(['--endpoint-url', 'http://fanout-nowhere.invalid:5000', '--region', aws.regions[0], 'list', '--table', 'anything'], environmentWithout(motoCredentials)),
      ).toEqual(said(1, 'fanout-console: cannot reach fanout-nowhere.invalid:5000 (no such host): check --endpoint-url'));
    });

    it('https:// to a port that speaks http', async () => {
      const { port } = new URL(aws.endpoint);
      expect(await spawnConsole(['--endpoint-url', `https://127.0.0.1:${port}`, '--region', aws.regions[0], 'list', '--table', 'anything'], environmentWithout(motoCredentials))).toEqual(
        said(1, `fanout-console: cannot reach 127.0.0.1:${port} (TLS: wrong version number): check --endpoint-url (http:// or https://?)`),
      );
    });

    it('once the endpoint has answered, a connection that fails is retried as the SDK retries (a server restarting), then said', async () => {
      // a DynamoDB that answers ListTables, then goes away
      const server = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          response.end('{"TableNames":[]}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const session = () => new AwsSession({ endpointUrl: `http://${host}`, region: aws.regions[0], credentials: () => Promise.resolve(aws.credentials), verifySsl: true, debug: false });
      const dynamodb = session().client(DynamoDBClient);
      expect(await dynamodb.send(new ListTablesCommand({}))).toMatchObject({ TableNames: [] });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));

      const attemptsOf = async (client: DynamoDBClient) => {
        const error = (await client.send(new ListTablesCommand({})).then(() => undefined, (failure: unknown) => failure)) as Error & { cause?: { $metadata?: { attempts?: number } } };
        expect(error.message).toBe(`cannot reach ${host} (connection refused): check --endpoint-url`);
        return error.cause?.$metadata?.attempts;
      };
      expect(await attemptsOf(dynamodb)).toBe(await dynamodb.config.maxAttempts());
      expect(await dynamodb.config.maxAttempts()).toBeGreaterThan(1);
      // a client that has never reached it says so at its first attempt
      expect(await attemptsOf(session().client(DynamoDBClient))).toBe(1);
    });
  });

  describe('an endpoint that answers, but not as the API: exit 1, naming it and the API', () => {
    let server: Server;
    let endpoint: string;
    let host: string;

    beforeAll(async () => {
      // as kinesalite answers an API it does not serve: 403 with an XML body
      server = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          response.writeHead(403, { 'content-type': 'application/xml' });
          response.end('<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      endpoint = `http://${host}`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('a JSON API (DynamoDB), whose answer cannot be read', async () => {
      expect(await spawnConsole(['--endpoint-url', endpoint, '--region', aws.regions[0], 'list', '--table', 'anything'], environmentWithout(motoCredentials))).toEqual(
        said(
          1,
          `fanout-console: ${host} does not answer as the DynamoDB API (HTTP 403, application/xml): point --endpoint-url at an endpoint that serves DynamoDB too (moto serves every service; an emulator of one service does not)`,
        ),
      );
    });

    it('an XML API (SNS), whose answer names no error of it', async () => {
      const source = `arn:aws:kinesis:${aws.regions[0]}:${aws.accounts[0]}:stream/${uniqueName('stream')}`;
      const args = ['--endpoint-url', endpoint, '--region', aws.regions[0], 'register', 'sns', '--source-arn', source, '--id', 'copy', '--destination', 'orders'];
      expect(await spawnConsole(args, environmentWithout(motoCredentials))).toEqual(
        said(1, `fanout-console: ${host} does not answer as the SNS API (HTTP 403, application/xml): point --endpoint-url at an endpoint that serves SNS too (moto serves every service; an emulator of one service does not)`),
      );
    });
  });
});

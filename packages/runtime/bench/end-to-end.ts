import { CreateStreamCommand, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, startFakeAws, type AwsEndpoints } from '@fanout/testbed';
import { count, ms, percentile } from '@fanout/testbed/bench';
import { AwsClients } from '../src/aws/clients.js';
import { Fanout } from '../src/fanout.js';
import { MemoryCheckpoints } from '../src/local/checkpoints.js';
import { kinesisReader } from '../src/local/kinesis-reader.js';
import { streamMapping } from '../src/local/mappings.js';
import { LocalPoller } from '../src/local/poller.js';
import { settingsFromEnvironment } from '../src/settings.js';
import { Http1KinesisClient } from '../src/targets/kinesis/client.js';
import type { Figure } from './report.js';

/** Records put, at a steady pace. */
const RECORDS = 2_000;
const SHARDS = 4;
/** Records a PutRecords, and a call every PUT_INTERVAL_MS: 1,000 records a second offered. */
const PUT_BATCH = 100;
const PUT_INTERVAL_MS = 100;
/** Lambda's default batch size for Kinesis. */
const BATCH_SIZE = 100;

interface Sent {
  n: number;
  putAt: number;
}

/**
 * Part of the bench that is reported, not targeted: records per second and put-to-arrival latency
 * from a Kinesis stream in moto, which bounds both, through the local poller (its shards read
 * concurrently) to an SQS queue of the fake endpoint, which notes when each message arrived (moto's
 * own queues take longer to read back than fanout takes to fill them). The function's code runs in
 * this process.
 */
export async function measureEndToEnd(aws: AwsEndpoints, tableName: string): Promise<Figure[]> {
  const config = awsClientConfig(aws);
  const kinesis = new Http1KinesisClient(config);
  const stream = `bench-end-to-end-${Date.now()}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: SHARDS }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 120 }, { StreamName: stream });
  const sourceArn = `arn:aws:kinesis:${config.region}:${aws.accounts[0]}:stream/${stream}`;
  const fake = await startFakeAws({ upstream: aws.endpoint, keep: true });
  const queuePath = `/${aws.accounts[0]}/${stream}`;
  const queueUrl = `${fake.endpoint}${queuePath}`;
  await DynamoDBDocumentClient.from(new DynamoDBClient(config)).send(
    new PutCommand({ TableName: tableName, Item: { sourceArn, id: 'queue', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' } }),
  );

  // metrics as log lines (dropped), so that moto serves the stream and the queue only; warnings to stderr
  const settings = settingsFromEnvironment(
    { AWS_REGION: config.region, AWS_LAMBDA_FUNCTION_NAME: 'fanoutBenchEndToEnd', TARGETS_TABLE: tableName, LOG_LEVEL: 'warn', METRICS_OUTPUT: 'emf' },
    (line) => {
      if (!line.startsWith('{"_aws"')) process.stderr.write(`${line}\n`);
    },
  );
  // moto's endpoint from the environment, as the SDK's chain has it: an SQS client then sends to the host of the queue's URL, the fake's
  process.env.AWS_ENDPOINT_URL = aws.endpoint;
  const fanout = new Fanout(settings, new AwsClients(settings.functionName, { credentials: async () => config.credentials }));
  const poller = new LocalPoller({
    process: (event, remainingTimeMs) => fanout.process(event, remainingTimeMs),
    mappings: async () => [streamMapping({ id: 'end-to-end', sourceArn, batchSize: BATCH_SIZE, reportsItemFailures: true })],
    readerFor: (arn) => kinesisReader(kinesis, arn, `arn:aws:iam::${aws.accounts[0]}:role/fanout`),
    checkpoints: new MemoryCheckpoints(),
    timeoutMs: 60_000,
    log: settings.log,
    idleMs: 200,
  });

  poller.start();
  const startedAt = Date.now();
  const putting = (async () => {
    for (let start = 0; start < RECORDS; start += PUT_BATCH) {
      const Records = Array.from({ length: PUT_BATCH }, (_, offset) => ({
        PartitionKey: `key-${start + offset}`,
        Data: Buffer.from(JSON.stringify({ n: start + offset, putAt: Date.now() } satisfies Sent)),
      }));
      await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records }));
      await new Promise((resolve) => setTimeout(resolve, PUT_INTERVAL_MS));
    }
  })();
  const latencies = new Map<number, number>();
  let lastArrival = 0;
  try {
    while (latencies.size < RECORDS) {
      for (const entry of await fake.kept(queuePath)) {
        const { n, putAt } = JSON.parse(Buffer.from(entry.data, 'base64').toString()) as Sent;
        if (!latencies.has(n)) latencies.set(n, entry.receivedAt - putAt);
        lastArrival = Math.max(lastArrival, entry.receivedAt);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await putting;
    await poller.stop();
    await fanout.close();
    await fake.stop();
    delete process.env.AWS_ENDPOINT_URL;
  }
  const seconds = (lastArrival - startedAt) / 1000;
  const values = [...latencies.values()];
  const what = `${count(RECORDS)} records, ${SHARDS} shards, Kinesis (moto) → local poller → SQS (the fake endpoint)`;
  return [
    {
      figure: `end to end: records per second (${count((PUT_BATCH * 1_000) / PUT_INTERVAL_MS)} a second offered)`,
      target: what,
      measured: `${(RECORDS / seconds).toFixed(0)} per second`,
      goal: 'reported',
      met: true,
      value: RECORDS / seconds,
    },
    {
      figure: 'end to end: put-to-arrival latency, median and 99th percentile',
      target: what,
      measured: `${ms(percentile(values, 50))}, ${ms(percentile(values, 99))}`,
      goal: 'reported',
      met: true,
      value: percentile(values, 99),
    },
  ];
}

import { createHash } from 'node:crypto';
import { KinesisClient, type PutRecordsCommandInput, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AwsClients, type AwsClientConstructor, type AwsScope, type AwsSdkClient } from '../../src/aws/clients.js';
import type { TargetConfig } from '../../src/config/schema.js';
import { deliverToTarget, outcomeOf } from '../../src/delivery/deliver.js';
import { Http1KinesisClient } from '../../src/targets/kinesis/client.js';
import { kinesisLimits } from '../../src/targets/kinesis/index.js';
import { TARGET_TYPES } from '../../src/targets/registry.js';
import { dynamodbEvent, kinesisEvent } from '../support/events.js';
import { ScriptedSender, TestClock, record } from '../support/fake-sender.js';
import {
  HOME_REGION,
  OTHER_REGION,
  createTargetsTable,
  dynamodbSourceArn,
  kinesisSourceArn,
  putTargets,
  secondAccountRole,
  testFanout,
  type TestFanout,
} from '../support/harness.js';
import { createStream, kinesisCalls, putRecordsCalls, readStream } from '../support/kinesis.js';
import { startLargeRecordKinesis } from '../support/large-record-kinesis.js';
import { recordOutcomeLines } from '../support/logs.js';

const records = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}' },
  { partitionKey: 'b', data: Buffer.from([0x00, 0xff, 0xfe, 0x80]) },
  { partitionKey: 'a', data: 'plain text' },
];

const asWritten = (written: ReadonlyArray<{ partitionKey: string; data: Buffer | string }>) =>
  written.map(({ partitionKey, data }) => ({ partitionKey, data: Buffer.from(data) }));

/**
 * The function's clients, but Kinesis fails the records `fails` picks the way Kinesis does: they
 * are not written and the PutRecords response reports them, in place, as throttled.
 * No real server can be made to produce a per-record ProvisionedThroughputExceededException (moto
 * writes every record of a valid call), so this is the one place where the SDK is rigged.
 */
class ThrottlingKinesisClients extends AwsClients {
  private readonly rigged = new WeakSet<KinesisClient>();

  constructor(private readonly fails: (data: Buffer) => boolean) {
    super('fanout-test');
  }

  override get<Client extends AwsSdkClient>(constructor: AwsClientConstructor<Client>, scope: AwsScope): Client {
    const client = super.get(constructor, scope);
    if (client instanceof KinesisClient && !this.rigged.has(client)) {
      this.rigged.add(client);
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== 'PutRecordsCommand') return next(args);
          const input = args.input as PutRecordsCommandInput;
          const failing = input.Records!.map((record) => this.fails(Buffer.from(record.Data!)));
          const toWrite = input.Records!.filter((_record, index) => !failing[index]);
          // a call of no records is invalid: when every record fails, nothing is sent
          const sent = toWrite.length > 0 ? await next({ ...args, input: { ...input, Records: toWrite } }) : undefined;
          const written = [...((sent?.output as PutRecordsCommandOutput | undefined)?.Records ?? [])];
          const output: PutRecordsCommandOutput = {
            $metadata: sent?.output.$metadata ?? {},
            FailedRecordCount: failing.filter(Boolean).length,
            Records: failing.map((failed) =>
              failed
                ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000000' }
                : written.shift()!,
            ),
          };
          return { response: sent?.response, output };
        },
        { step: 'initialize', name: 'throttleChosenRecords' },
      );
    }
    return client;
  }
}

describe('kinesis target', () => {
  it('puts every record with its data and partition key, byte for byte', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createStream();
    await putTargets(table, [{ sourceArn, id: 'by-name', type: 'kinesis', destination: stream.name, active: true }]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(await readStream(stream.name)).toEqual(asWritten(records));
  });

  it('keys a DynamoDB change by its key values, and a key longer than Kinesis takes by its SHA-256', async () => {
    const table = await createTargetsTable();
    const sourceArn = dynamodbSourceArn();
    const stream = await createStream();
    await putTargets(table, [{ sourceArn, id: 'changes', type: 'kinesis', destination: stream.name, active: true, convertDDB: true }]);
    const longId = 'x'.repeat(300);
    const event = dynamodbEvent(sourceArn, [
      { eventName: 'INSERT', keys: { id: 'short', at: 7 }, newImage: { id: 'short', at: 7, name: 'Zoë' } },
      { eventName: 'REMOVE', keys: { id: longId }, oldImage: { id: longId } },
    ]);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(await readStream(stream.name)).toEqual([
      { partitionKey: '7|short', data: Buffer.from('{"id":"short","at":7,"name":"Zoë"}') },
      { partitionKey: createHash('sha256').update(longId).digest('hex'), data: Buffer.from(JSON.stringify({ id: longId })) },
    ]);
  });

  it('keeps record order over several PutRecords calls with parallel false', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createStream();
    await putTargets(table, [{ sourceArn, id: 'ordered', type: 'kinesis', destination: stream.name, active: true, parallel: false }]);
    const many = Array.from({ length: 1_234 }, (_, n) => ({ partitionKey: `key-${n % 7}`, data: `record ${n}` }));

    expect(await testFanout(table).process(kinesisEvent(sourceArn, many))).toEqual({ batchItemFailures: [] });

    expect(putRecordsCalls(stream.name).map((call) => call.Records.length)).toEqual([500, 500, 234]);
    expect(await readStream(stream.name)).toEqual(asWritten(many));
  });

  it('retries the records Kinesis throttles, and delivers everything once', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createStream();
    await putTargets(table, [{ sourceArn, id: 'throttled', type: 'kinesis', destination: stream.name, active: true }]);
    const batch = Array.from({ length: 10 }, (_, n) => ({ partitionKey: `key-${n}`, data: `record ${n}` }));
    const throttledOnce = new Set<string>();
    const clients = new ThrottlingKinesisClients((data) => {
      const text = data.toString();
      if (!['record 2', 'record 8'].includes(text) || throttledOnce.has(text)) return false;
      throttledOnce.add(text);
      return true;
    });

    expect(await testFanout(table, {}, clients).process(kinesisEvent(sourceArn, batch))).toEqual({ batchItemFailures: [] });

    expect(throttledOnce).toEqual(new Set(['record 2', 'record 8']));
    const byData = (a: { data: Buffer }, b: { data: Buffer }) => Buffer.compare(a.data, b.data);
    expect((await readStream(stream.name)).sort(byData)).toEqual(asWritten(batch).sort(byData));
  });

  it('reports the earliest record Kinesis keeps throttling for Lambda to retry from, and delivers the others', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createStream();
    await putTargets(table, [{ sourceArn, id: 'throttled', type: 'kinesis', destination: stream.name, active: true }]);
    const batch = Array.from({ length: 10 }, (_, n) => ({ partitionKey: `key-${n}`, data: `record ${n}` }));
    const alwaysThrottled = ['record 5', 'record 3'];
    const event = kinesisEvent(sourceArn, batch);
    const clients = new ThrottlingKinesisClients((data) => alwaysThrottled.includes(data.toString()));

    expect(await testFanout(table, {}, clients).process(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[3]!.kinesis.sequenceNumber }],
    });

    expect(await readStream(stream.name)).toEqual(asWritten(batch.filter((record) => !alwaysThrottled.includes(record.data))));
  });

  it('puts into the account of the target role, and nothing into the same-named stream of the function account', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const { role, credentials } = await secondAccountRole();
    const stream = await createStream({ credentials });
    const sameNameAtHome = await createStream({ name: stream.name });
    await putTargets(table, [
      { sourceArn, id: 'cross-account', type: 'kinesis', destination: stream.arn, active: true, role, externalId: 'fanout-test' },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(await readStream(stream.name, { credentials })).toEqual(asWritten(records));
    expect(await readStream(sameNameAtHome.name)).toEqual([]);
    // by the ARN it was given: what reaching a stream of another account through its resource policy needs
    expect(putRecordsCalls(stream.name).map((call) => call.StreamARN)).toEqual([stream.arn]);
  });

  it('puts in the region of the stream ARN, and in the region the target names', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const byArn = await createStream({ region: OTHER_REGION });
    const byRegionField = await createStream({ region: OTHER_REGION });
    const sameNamesAtHome = await Promise.all([byArn, byRegionField].map(({ name }) => createStream({ region: HOME_REGION, name })));
    await putTargets(table, [
      { sourceArn, id: 'by-arn', type: 'kinesis', destination: byArn.arn, active: true },
      { sourceArn, id: 'by-region', type: 'kinesis', destination: byRegionField.name, active: true, region: OTHER_REGION },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    for (const { name } of [byArn, byRegionField]) expect(await readStream(name, { region: OTHER_REGION })).toEqual(asWritten(records));
    for (const { name } of sameNamesAtHome) expect(await readStream(name)).toEqual([]);
  });
});

const MIB = 1_048_576;

/** Records as written, by their data's digest: comparing MiBs byte by byte is slow. */
const digested = (written: ReadonlyArray<{ partitionKey: string; data: Buffer | string }>) =>
  written.map(({ partitionKey, data }) => ({ partitionKey, sha256: createHash('sha256').update(data).digest('hex') }));

/** The reasons of the records the fanout's targets rejected, in the order logged. */
const rejections = (fanout: TestFanout) => recordOutcomeLines(fanout, 'rejected').map((line) => line.message);

describe('kinesis limits', () => {
  it('follow the stream\'s maximum record size, 1 MiB when it says none; PutRecords takes 10 MiB a call above 1 MiB, 5 MiB at it', () => {
    expect(kinesisLimits(undefined)).toEqual({ maxEntries: 500, maxEntryBytes: MIB, maxBatchBytes: 5 * MIB });
    expect(kinesisLimits(1_024)).toEqual(kinesisLimits(undefined));
    expect(kinesisLimits(5_000)).toEqual({ maxEntries: 500, maxEntryBytes: 5_000 * 1_024, maxBatchBytes: 10 * MIB });
    expect(kinesisLimits(10_240)).toEqual({ maxEntries: 500, maxEntryBytes: 10 * MIB, maxBatchBytes: 10 * MIB });
  });

  const target: TargetConfig = {
    sourceArn: kinesisSourceArn(),
    id: 'packed',
    type: 'kinesis',
    destination: 'packed',
    active: true,
    parallel: false,
    convertDDB: false,
    deaggregate: false,
  };

  it.each([
    // the record's key ('k') counts: each record is `bytes` with it
    { stream: 'left at 1 MiB', kib: 1_024, sizes: [MIB, MIB, MIB, MIB, MIB, MIB], calls: [5, 1] },
    { stream: 'raised to 10 MiB', kib: 10_240, sizes: [4 * MIB, 4 * MIB, 4 * MIB, 10 * MIB, 1], calls: [2, 1, 1, 1] },
  ])('packs for a stream $stream: records up to its size, calls within PutRecords\' limit; a record a byte larger is rejected', async ({ kib, sizes, calls }) => {
    const sender = Object.assign(new ScriptedSender(), { limits: async () => kinesisLimits(kib) });
    const fitting = sizes.map((bytes, index) => record(index, 'x'.repeat(bytes - 1)));
    const tooLarge = record(sizes.length, 'x'.repeat(kib * 1_024));

    const delivery = await deliverToTarget(target, TARGET_TYPES.kinesis, sender, [...fitting, tooLarge], { policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, clock: new TestClock() });

    expect(sender.calls.map((call) => call.length)).toEqual(calls);
    expect(fitting.map((sent) => outcomeOf(delivery, sent).status)).toEqual(fitting.map(() => 'delivered'));
    expect(outcomeOf(delivery, tooLarge)).toEqual({ status: 'rejected', reason: `${kib * 1_024 + 1} bytes, more than the ${kib * 1_024}-byte limit of kinesis` });
  });

  it('packs to the 1 MiB default for a stream that does not say its maximum record size (moto 5.2.5), read once for the target', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createStream();
    await putTargets(table, [{ sourceArn, id: 'default-size', type: 'kinesis', destination: stream.arn, active: true, parallel: false }]);
    const fanout = testFanout(table);
    // with its two-character key, each of the six is exactly 1 MiB, and the last a byte more
    const atTheLimit = Array.from({ length: 6 }, (_, n) => ({ partitionKey: `k${n}`, data: Buffer.alloc(MIB - 2, n) }));
    const overTheLimit = { partitionKey: 'k6', data: Buffer.alloc(MIB - 1) };

    expect(await fanout.process(kinesisEvent(sourceArn, [...atTheLimit, overTheLimit]))).toEqual({ batchItemFailures: [] });
    expect(await fanout.process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    // moto refuses a call over 5 MiB, as Kinesis does for a stream at 1 MiB
    expect(putRecordsCalls(stream.name).map((call) => call.Records.length)).toEqual([5, 1, 3]);
    expect(digested(await readStream(stream.name))).toEqual(digested([...atTheLimit, ...records]));
    expect(rejections(fanout)).toEqual([`record rejected: ${MIB + 1} bytes, more than the ${MIB}-byte limit of kinesis`]);
    // the target's stream, by the ARN it was given (the test made it by name)
    expect(kinesisCalls('DescribeStreamSummary', stream.name).filter((call) => call.StreamARN === stream.arn)).toHaveLength(1);
  });
});

/**
 * The function's clients, but Kinesis at `endpoint`: a stream moto cannot make (one raised above
 * 1 MiB, one whose summary is denied), served by a Kinesis endpoint of the test's own.
 */
class KinesisAt extends AwsClients {
  constructor(private readonly endpoint: string) {
    super('fanout-test');
  }

  override get<Client extends AwsSdkClient>(constructor: AwsClientConstructor<Client>, scope: AwsScope): Client {
    return (constructor as unknown) === Http1KinesisClient ? new constructor({ region: scope.region, endpoint: this.endpoint }) : super.get(constructor, scope);
  }
}

describe('kinesis target on a stream that sets its own maximum record size', () => {
  /** A fanout with one kinesis target, on a stream of `startLargeRecordKinesis` with these options. */
  async function fanoutToStream(options: Parameters<typeof startLargeRecordKinesis>[0]) {
    const kinesis = await startLargeRecordKinesis(options);
    onTestFinished(() => kinesis.close());
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    await putTargets(table, [{ sourceArn, id: 'large', type: 'kinesis', destination: 'large', active: true, parallel: false }]);
    return { kinesis, sourceArn, fanout: testFanout(table, {}, new KinesisAt(kinesis.endpoint)) };
  }

  it('puts records over 1 MiB to a stream raised to 10 MiB, up to 10 MiB a call, and rejects a larger one', async () => {
    const { kinesis, sourceArn, fanout } = await fanoutToStream({ maxRecordSizeInKiB: 10_240 });
    // with its two-character key, each is exactly that many MiB; the last is a byte over 10 MiB
    const large = [4, 4, 4, 10].map((mib, n) => ({ partitionKey: `k${n}`, data: Buffer.alloc(mib * MIB - 2, n) }));
    const tooLarge = { partitionKey: 'k4', data: Buffer.alloc(10 * MIB - 1) };

    expect(await fanout.process(kinesisEvent(sourceArn, [...large, tooLarge]))).toEqual({ batchItemFailures: [] });
    expect(await fanout.process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(kinesis.putCalls.map((call) => call.length)).toEqual([2, 1, 1, 3]);
    expect(digested(kinesis.putCalls.flat())).toEqual(digested([...large, ...records]));
    expect(rejections(fanout)).toEqual([`record rejected: ${10 * MIB + 1} bytes, more than the ${10 * MIB}-byte limit of kinesis`]);
    expect(kinesis.describeCalls).toBe(1);
  });

  it('packs to the 1 MiB default, saying so once, when reading the stream\'s summary is denied', async () => {
    const { kinesis, sourceArn, fanout } = await fanoutToStream({ maxRecordSizeInKiB: 10_240, denyDescribe: true });
    const twoMib = { partitionKey: 'big', data: Buffer.alloc(2 * MIB) };

    expect(await fanout.process(kinesisEvent(sourceArn, [twoMib, ...records]))).toEqual({ batchItemFailures: [] });
    expect(await fanout.process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(kinesis.putCalls.flat()).toEqual(asWritten([...records, ...records]));
    expect(rejections(fanout)).toEqual([`record rejected: ${2 * MIB + 3} bytes, more than the ${MIB}-byte limit of kinesis`]);
    expect(fanout.logs.filter((line) => String(line.message).startsWith('kinesis:DescribeStreamSummary is denied'))).toHaveLength(1);
    expect(kinesis.describeCalls).toBe(1);
  });

  it('fails the records when the stream\'s summary cannot be read otherwise, and reads it again on the retry', async () => {
    const { kinesis, sourceArn, fanout } = await fanoutToStream({ maxRecordSizeInKiB: 10_240, failedDescribes: 1 });
    const event = kinesisEvent(sourceArn, records);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    expect(kinesis.putCalls).toEqual([]);
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect(kinesis.putCalls.flat()).toEqual(asWritten(records));
    expect(kinesis.describeCalls).toBe(2);
  });
});

import { createHash } from 'node:crypto';
import { KinesisClient, type PutRecordsCommandInput, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { AwsClients, type AwsClientConstructor, type AwsScope } from '../../src/aws/clients.js';
import { dynamodbEvent, kinesisEvent } from '../support/events.js';
import {
  HOME_REGION,
  OTHER_REGION,
  createTargetsTable,
  dynamodbSourceArn,
  kinesisSourceArn,
  putTargets,
  secondAccountRole,
  testFanout,
} from '../support/harness.js';
import { createStream, putRecordsCalls, readStream } from '../support/kinesis.js';

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

  override get<Client>(constructor: AwsClientConstructor<Client>, scope: AwsScope): Client {
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

import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { LocalStatus } from '@fanout/runtime/config';
import { startLocalMode } from '@fanout/runtime/local';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { deployFanout } from '../../src/app/deploy.js';
import { hookSource } from '../../src/app/hooks.js';
import { localSourceLag, sourceLags } from '../../src/app/source-lag.js';
import { registerTarget } from '../../src/app/targets.js';
import { deploymentOf } from '../../src/aws/names.js';
import { localStatusFileFor } from '../../src/state-files.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';
import { createStream } from '../support/destination-resources.js';
import { useFreshRuntimeZip } from '../support/deployment.js';

useFreshRuntimeZip();
const [region] = aws.regions;
const context = appContext();
const MINUTE = 60_000;
const until = new Date((Math.floor(Date.now() / MINUTE) - 5) * MINUTE + 30_000);
/** Minutes since the epoch of the window's minute `index` (0 the oldest of 60). */
const minuteOf = (index: number) => Math.floor(until.getTime() / MINUTE) - 59 + index;
const series = (values: Record<number, number> = {}) => Array.from({ length: 60 }, (_, minute) => values[minute] ?? 0);

describe('sourceLags', () => {
  it('gives every source the function\'s IteratorAge when no local poller runs it here', async () => {
    const functionName = uniqueName('lag-lambda');
    const age = (value: number, index: number) => ({
      MetricName: 'IteratorAge',
      Value: value,
      Unit: 'Milliseconds' as const,
      Timestamp: new Date(minuteOf(index) * MINUTE + 5_000),
      Dimensions: [{ Name: 'FunctionName', Value: functionName }],
    });
    await new CloudWatchClient(awsClientConfig(aws)).send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [age(9_000, 20), age(1_500, 58), age(800, 59)] }));
    const lags = await sourceLags(context, deploymentOf({ function: functionName }), ['arn:a', 'arn:b'], { until });
    const expected = { origin: 'lambda', perMinute: series({ 20: 9_000, 58: 1_500, 59: 800 }), nowMs: 1_500, shards: [] };
    expect(Object.fromEntries(lags)).toEqual({ 'arn:a': expected, 'arn:b': expected });
  });

  it('gives the local poller\'s own lag while it runs the function here: it grows while a target holds the shard', async () => {
    const functionName = uniqueName('lag-local');
    const deployment = deploymentOf({ function: functionName });
    await deployFanout(context, deployment);
    const stream = await createStream();
    // nothing answers on port 1: the target fails every record, and holds the shard
    await registerTarget(context, deployment, { sourceArn: stream.arn, id: 'down', type: 'http', destination: 'http://127.0.0.1:1/', active: true });
    await hookSource(context, deployment, stream.arn, { startingPosition: 'TRIM_HORIZON' });
    const kinesis = new KinesisClient({ ...awsClientConfig(aws), requestHandler: new NodeHttpHandler() });
    await kinesis.send(new PutRecordCommand({ StreamName: stream.name, PartitionKey: 'k', Data: Buffer.from('{"order":1}') }));

    const local = await startLocalMode({
      functionName,
      region,
      statusFile: localStatusFileFor(region, functionName),
      refreshMs: 200,
      aws: context.aws.clientDefaults(),
      env: { LOG_LEVEL: 'silent' },
      writeLog: () => undefined,
    });
    try {
      const lagNow = async () => (await sourceLags(context, deployment, [stream.arn])).get(stream.arn)!;
      await expect.poll(async () => (await lagNow()).nowMs ?? 0).toBeGreaterThan(0);
      const first = await lagNow();
      expect(first).toMatchObject({ origin: 'local', shards: [{ shardId: expect.stringMatching(/^shardId-/), millisBehind: expect.any(Number) }] });
      // it moves: the status file is written again every 2 s, the record older each time
      await expect.poll(async () => (await lagNow()).nowMs!).toBeGreaterThan(first.nowMs! + 1_500);
      expect(Math.max(...(await lagNow()).perMinute)).toBeGreaterThan(first.nowMs!);
    } finally {
      await local.stop();
    }
    expect((await sourceLags(context, deployment, [stream.arn])).get(stream.arn)!.origin).toBe('lambda');
  });
});

describe('localSourceLag', () => {
  it('takes the largest over the source\'s shards each minute of the window, and the largest now', () => {
    const status: LocalStatus = {
      fanoutLocalStatus: 1,
      functionName: 'fanout',
      updatedAt: new Date().toISOString(),
      shards: [
        { mappingId: 'm', sourceArn: 'arn:orders', shardId: 'shard-1', millisBehind: 300, minutes: [[minuteOf(-1), 99_999], [minuteOf(10), 2_000], [minuteOf(59), 300]] },
        { mappingId: 'm', sourceArn: 'arn:orders', shardId: 'shard-2', millisBehind: 0, minutes: [[minuteOf(10), 5_000], [minuteOf(30), 700]] },
        { mappingId: 'n', sourceArn: 'arn:users', shardId: 'shard-1', millisBehind: 9_000, minutes: [[minuteOf(30), 9_000]] },
      ],
    };
    expect(localSourceLag(status, 'arn:orders', { until })).toEqual({
      origin: 'local',
      perMinute: series({ 10: 5_000, 30: 700, 59: 300 }),
      nowMs: 300,
      shards: [
        { shardId: 'shard-1', millisBehind: 300 },
        { shardId: 'shard-2', millisBehind: 0 },
      ],
    });
    expect(localSourceLag(status, 'arn:unread', { until })).toEqual({ origin: 'local', perMinute: series(), nowMs: undefined, shards: [] });
  });
});

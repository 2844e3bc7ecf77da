import { expect, it, onTestFinished } from 'vitest';
import { kinesisEvent } from './support/events.js';
import { createTargetsTable, kinesisSourceArn, putTargets, testFanout } from './support/harness.js';
import { sink, uniqueSinkPath } from './support/http.js';
import { testbedRedis } from './support/key-value-target.js';
import { createStream, readStream } from './support/kinesis.js';
import { recordOutcomeLines } from './support/logs.js';
import { createQueue, drainQueue } from './support/sqs.js';

const MIB = 1_048_576;

it('a source record over 1 MiB reaches every target that takes it; each other target rejects it at its own limit', async () => {
  const table = await createTargetsTable();
  const sourceArn = kinesisSourceArn();
  const path = uniqueSinkPath();
  const redis = testbedRedis();
  onTestFinished(() => redis.close());
  const [queue, stream] = await Promise.all([createQueue(), createStream()]);
  await putTargets(table, [
    { sourceArn, id: 'http', type: 'http', destination: sink.url(path), active: true, collapse: 'none' },
    { sourceArn, id: 'redis', type: 'redis', destination: redis.destination, active: true },
    { sourceArn, id: 'sqs', type: 'sqs', destination: queue, active: true },
    // moto's stream says no maximum record size: a stream's default, 1 MiB
    { sourceArn, id: 'kinesis', type: 'kinesis', destination: stream.name, active: true },
  ]);
  const key = `large-${path.slice(1)}`;
  const data = Buffer.from(JSON.stringify({ padding: 'x'.repeat(2 * MIB) }));
  const fanout = testFanout(table);

  expect(await fanout.process(kinesisEvent(sourceArn, [{ partitionKey: key, data }]))).toEqual({ batchItemFailures: [] });

  const [request, ...more] = await sink.requests(path);
  expect(more).toEqual([]);
  expect(Buffer.from((JSON.parse(request!.bytes.toString('utf8')) as { data: string }).data, 'base64').equals(data)).toBe(true);
  expect((await redis.read(key))?.equals(data)).toBe(true);
  expect(await drainQueue(queue)).toEqual([]);
  expect(await readStream(stream.name)).toEqual([]);
  const size = data.length;
  expect(recordOutcomeLines(fanout, 'rejected').map(({ target, message }) => ({ target, message })).sort((a, b) => String(a.target).localeCompare(String(b.target)))).toEqual([
    { target: 'kinesis', message: `record rejected: ${size + Buffer.byteLength(key)} bytes, more than the ${MIB}-byte limit of kinesis` },
    { target: 'sqs', message: `record rejected: ${size + 14} bytes collapsed, more than the ${MIB}-byte limit` },
  ]);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { StreamEvent } from '../src/fanout.js';

export const BENCH_ACCOUNT = '123456789012';
export const BENCH_REGION = 'us-east-1';

/** What one event holds. */
export interface Workload {
  records: number;
  dataBytes: number;
}

/** Lambda's largest Kinesis batch. */
const BATCH_RECORDS = 10_000;
/** The largest event Lambda gives a function (its synchronous invocation payload): 6 MB. */
export const LAMBDA_MAX_EVENT_BYTES = 6_291_456;

/** The per-type cases: 10,000 records of 1 KiB JSON (an event larger than Lambda's 6 MB: the CPU cost, not the limit, is measured). */
export const TYPE_WORKLOAD: Workload = { records: BATCH_RECORDS, dataBytes: 1_024 };

/** The memory case: 10,000 records, each as large as a 6 MB event lets them be. */
export function fullEventWorkload(sourceArn: string): Workload {
  const eventBytes = (dataBytes: number) => Buffer.byteLength(JSON.stringify(kinesisEvent(sourceArn, { records: BATCH_RECORDS, dataBytes })));
  const envelope = eventBytes(0);
  // base64 makes 3 bytes of data 4 characters of the event
  let dataBytes = Math.floor(((LAMBDA_MAX_EVENT_BYTES - envelope) / BATCH_RECORDS / 4) * 3);
  while (eventBytes(dataBytes) > LAMBDA_MAX_EVENT_BYTES) dataBytes--;
  return { records: BATCH_RECORDS, dataBytes };
}

export function sourceArnOf(name: string): string {
  return `arn:aws:kinesis:${BENCH_REGION}:${BENCH_ACCOUNT}:stream/${name}`;
}

/** A JSON object of exactly `bytes` bytes, different for every record. */
function jsonText(index: number, bytes: number): string {
  const head = `{"id":${index},"at":"2026-12-01T00:00:00.000Z","text":"`;
  const tail = '"}';
  return head + 'x'.repeat(Math.max(bytes - head.length - tail.length, 0)) + tail;
}

/** A Kinesis event as Lambda gives it: one shard, sequence numbers in order, a key per record. */
export function kinesisEvent(sourceArn: string, workload: Workload): StreamEvent {
  const Records: KinesisStreamRecord[] = [];
  for (let index = 0; index < workload.records; index++) {
    const sequenceNumber = String(49_600_000_000_000_000_000_000_000_000_000_000_000_000n + BigInt(index));
    Records.push({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${BENCH_ACCOUNT}:role/fanout`,
      awsRegion: BENCH_REGION,
      eventSourceARN: sourceArn,
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: `key-${index}`,
        sequenceNumber,
        data: Buffer.from(jsonText(index, workload.dataBytes)).toString('base64'),
        approximateArrivalTimestamp: 1_796_083_200 + index / 1_000,
      },
    });
  }
  return { Records };
}

/** The events of the cases as files, as Lambda's runtime receives an event: text. */
export class EventFiles {
  private readonly directory = mkdtempSync(join(tmpdir(), 'fanout-bench-events-'));
  private readonly files = new Map<string, string>();

  of(sourceArn: string, workload: Workload): string {
    const key = JSON.stringify([sourceArn, workload]);
    let file = this.files.get(key);
    if (!file) {
      file = join(this.directory, `${this.files.size + 1}.json`);
      writeFileSync(file, JSON.stringify(kinesisEvent(sourceArn, workload)));
      this.files.set(key, file);
    }
    return file;
  }

  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

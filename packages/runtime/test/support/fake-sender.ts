import type { FanoutRecord } from '../../src/records/index.js';
import type { Entry, EntryOutcome, Sender } from '../../src/targets/types.js';
import type { RetryClock } from '../../src/delivery/retry.js';

/** A record with just what delivery looks at. */
export function record(eventIndex: number, data = `record ${eventIndex}`): FanoutRecord {
  const sequenceNumber = String(1_000 + eventIndex);
  return {
    eventIndex,
    sourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
    key: 'k',
    sequenceNumber,
    data: Buffer.from(data),
    action: 'PUT',
    eventRecord: {
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'k', sequenceNumber, data: '', approximateArrivalTimestamp: 0 },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: '',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: '',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
    },
  };
}

export function entry(...records: FanoutRecord[]): Entry {
  const body = Buffer.concat(records.map((r) => r.data));
  return { records, body, size: body.length };
}

/**
 * A Sender of our own interface (not an AWS SDK double) that answers from a script: per call,
 * the outcome of each entry by its body, defaulting to delivered. It records what it was sent.
 */
export class ScriptedSender implements Sender {
  readonly calls: string[][] = [];

  constructor(private readonly answer: (body: string, call: number) => EntryOutcome | Error = () => ({ status: 'delivered' })) {}

  async send(batch: readonly Entry[]): Promise<EntryOutcome[]> {
    const bodies = batch.map((e) => e.body.toString());
    this.calls.push(bodies);
    const answers = bodies.map((body) => this.answer(body, this.calls.length));
    const thrown = answers.find((answer): answer is Error => answer instanceof Error);
    if (thrown) throw thrown;
    return answers as EntryOutcome[];
  }
}

/** A clock whose sleeps take no time but are recorded, with a time budget that sleeping spends, and a fixed "random" draw. */
export class TestClock implements RetryClock {
  readonly sleeps: number[] = [];

  constructor(
    private budgetMs = 60_000,
    private readonly draw = 1,
  ) {}

  timeLeftMs(): number {
    return this.budgetMs;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.budgetMs -= ms;
  }

  random(): number {
    return this.draw;
  }
}

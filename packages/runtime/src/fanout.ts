import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { AwsClients } from './aws/clients.js';
import { TargetsLoader } from './config/loader.js';
import { streamArnOf, type TargetConfig } from './config/schema.js';
import { deliverToTarget, type TargetDelivery } from './delivery/deliver.js';
import { realClock, type RetryPolicy } from './delivery/retry.js';
import type { Logger } from './log/logger.js';
import { InvocationMetrics } from './metrics/metrics.js';
import {
  decodeRecords,
  eventSequenceNumber,
  type DecodedRecords,
  type IndexedEventRecord,
  type StreamEventRecord,
} from './records/index.js';
import { TARGET_TYPES } from './targets/registry.js';
import type { Sender } from './targets/types.js';

export interface FanoutSettings {
  tableName: string;
  functionName: string;
  /** The function's own region: the default for targets and where the table and metrics are. */
  region: string;
  configTtlMs: number;
  metricsNamespace: string;
  /** Targets served at once. */
  targetConcurrency: number;
  retry: RetryPolicy;
  /** Time kept back from the invocation's deadline for publishing metrics and returning. */
  reserveMs: number;
  log: Logger;
}

export interface StreamEvent {
  Records: StreamEventRecord[];
}

export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** Delivers the records of stream events to the active targets of their sources. */
export class Fanout {
  private readonly loader: TargetsLoader;
  private readonly cloudwatch: CloudWatchClient;
  /**
   * Senders keep connections (Redis, memcached, OpenSearch) across invocations: one per target,
   * made again (and the old one closed) when the target's row changes.
   */
  private readonly senders = new Map<string, { row: string; sender: Promise<Sender> }>();

  constructor(
    private readonly settings: FanoutSettings,
    private readonly clients: AwsClients = new AwsClients(settings.functionName),
  ) {
    const home = { region: settings.region };
    this.loader = new TargetsLoader(this.clients.get(DynamoDBClient, home), settings.tableName, settings.configTtlMs, settings.log);
    this.cloudwatch = this.clients.get(CloudWatchClient, home);
  }

  /**
   * Processes one event. Throws only when the whole event must be retried (the table cannot be
   * read); a target's failure is reported in `batchItemFailures`.
   */
  async process(event: StreamEvent, remainingTimeMs: () => number): Promise<BatchResponse> {
    const metrics = new InvocationMetrics(this.settings.functionName);
    const bySource = new Map<string, IndexedEventRecord[]>();
    event.Records.forEach((record, eventIndex) => {
      // a mapping through an enhanced fan-out consumer may name the consumer: targets are kept by the stream's ARN
      const source = streamArnOf(record.eventSourceARN ?? '');
      const records = bySource.get(source) ?? [];
      records.push({ eventIndex, record: source === record.eventSourceARN ? record : { ...record, eventSourceARN: source } });
      bySource.set(source, records);
    });

    const failures: BatchResponse['batchItemFailures'] = [];
    try {
      for (const [sourceArn, records] of bySource) {
        const earliestFailed = await this.processSource(sourceArn, records, remainingTimeMs, metrics);
        if (earliestFailed !== undefined) {
          failures.push({ itemIdentifier: eventSequenceNumber(event.Records[earliestFailed]!) });
        }
      }
    } finally {
      await metrics.publish(this.cloudwatch, this.settings.metricsNamespace, this.settings.log);
    }
    return { batchItemFailures: failures };
  }

  /** Returns the event index of the earliest record not delivered to every active target. */
  private async processSource(
    sourceArn: string,
    records: IndexedEventRecord[],
    remainingTimeMs: () => number,
    metrics: InvocationMetrics,
  ): Promise<number | undefined> {
    const log = this.settings.log.child({ sourceArn });
    metrics.add('RecordsReceived', records.length, { Source: sourceArn });
    const { active, invalidRows } = await this.loader.targetsOf(sourceArn);
    if (invalidRows > 0) metrics.add('InvalidRows', invalidRows, { Source: sourceArn });

    const views = new Map<string, DecodedRecords>();
    const decoded = (target: TargetConfig): DecodedRecords => {
      const view = { deaggregate: target.deaggregate, convertDDB: target.convertDDB };
      const key = JSON.stringify(view);
      let result = views.get(key);
      if (!result) {
        result = decodeRecords(records, view);
        views.set(key, result);
      }
      return result;
    };

    const clock = realClock(() => remainingTimeMs() - this.settings.reserveMs);
    const limit = pLimit(this.settings.targetConcurrency);
    const earliestFailedPerTarget = await Promise.all(
      active.map((target) =>
        limit(async () => {
          const started = Date.now();
          const dimensions = { Source: sourceArn, Target: target.id };
          const targetLog = log.child({ target: target.id, type: target.type });
          const { records: fanoutRecords } = decoded(target);
          const delivery = await this.deliver(target, fanoutRecords, clock, targetLog);
          const counts = { delivered: 0, failed: 0, rejected: 0 };
          let earliestFailed = Number.POSITIVE_INFINITY;
          for (const [record, outcome] of delivery.outcomes) {
            counts[outcome.status]++;
            if (outcome.status === 'failed') earliestFailed = Math.min(earliestFailed, record.eventIndex);
            if (outcome.status !== 'delivered') {
              targetLog.warn(`record ${outcome.status}: ${outcome.reason}`, {
                sequenceNumber: record.sequenceNumber,
                subSequenceNumber: record.subSequenceNumber,
              });
            }
          }
          metrics.add('Delivered', counts.delivered, dimensions);
          metrics.add('Failed', counts.failed, dimensions);
          metrics.add('Rejected', counts.rejected, dimensions);
          metrics.add('Retries', delivery.retries, dimensions);
          metrics.add('Duration', Date.now() - started, dimensions, 'Milliseconds');
          return earliestFailed;
        }),
      ),
    );

    const undecodable = new Map<number, DecodedRecords['undecodable'][number]>();
    for (const view of views.values()) for (const record of view.undecodable) undecodable.set(record.eventIndex, record);
    for (const { sequenceNumber, reason } of undecodable.values()) {
      log.warn(`record could not be decoded: ${reason}`, { sequenceNumber });
    }
    if (undecodable.size > 0) metrics.add('UndecodableRecords', undecodable.size, { Source: sourceArn });

    const earliestFailed = earliestFailedPerTarget.reduce((earliest, index) => Math.min(earliest, index), Number.POSITIVE_INFINITY);
    return Number.isFinite(earliestFailed) ? earliestFailed : undefined;
  }

  private async deliver(
    target: TargetConfig,
    records: DecodedRecords['records'],
    clock: ReturnType<typeof realClock>,
    log: Logger,
  ): Promise<TargetDelivery> {
    const type = TARGET_TYPES[target.type];
    try {
      const sender = await this.senderFor(target, log);
      return await deliverToTarget(target, type, sender, records, { policy: this.settings.retry, clock });
    } catch (error) {
      log.error('target could not be served', { error });
      const reason = error instanceof Error ? error.message : String(error);
      return { outcomes: new Map(records.map((record) => [record, { status: 'failed', reason }])), retries: 0 };
    }
  }

  /** Closes the senders' connections (Redis, memcached, OpenSearch): for a process that stops, such as the local poller. */
  async close(): Promise<void> {
    const senders = [...this.senders.values()];
    this.senders.clear();
    await Promise.all(senders.map(({ sender }) => sender.then((opened) => opened.close?.()).catch(() => undefined)));
  }

  private senderFor(target: TargetConfig, log: Logger): Promise<Sender> {
    const targetKey = JSON.stringify([target.sourceArn, target.id]);
    const row = JSON.stringify(target);
    const current = this.senders.get(targetKey);
    if (current?.row === row) return current.sender;
    if (current) void current.sender.then((sender) => sender.close?.()).catch(() => undefined);

    const type = TARGET_TYPES[target.type];
    const destination: unknown = type.parseDestination(target.destination);
    const scope = (destinationRegion?: string) => ({
      region: target.region ?? destinationRegion ?? this.settings.region,
      role: target.role,
      externalId: target.externalId,
    });
    const sender = type.loadSender().then((create) =>
      create({
        destination,
        target,
        log,
        awsClient: (constructor, destinationRegion) => this.clients.get(constructor, scope(destinationRegion)),
        awsScope: (destinationRegion) => {
          const targetScope = scope(destinationRegion);
          return { region: targetScope.region, credentials: this.clients.credentials(targetScope) };
        },
      }),
    );
    sender.catch(() => this.senders.delete(targetKey));
    this.senders.set(targetKey, { row, sender });
    return sender;
  }
}

import pLimit from 'p-limit';
import { AwsClients, type AwsScope, type OwnEndpoint } from './aws/clients.js';
import { TablesClient } from './aws/tables-client.js';
import { TargetsLoader, type TargetsSource } from './config/loader.js';
import { streamArnOf, type TargetConfig } from './config/schema.js';
import { deliverToTarget, failedDelivery, outcomeOf, type TargetDelivery } from './delivery/deliver.js';
import { realClock, type RetryPolicy } from './delivery/retry.js';
import type { MetricsOutput } from './config/contracts.js';
import { writeStdoutLine, type Logger } from './log/logger.js';
import { InvocationMetrics } from './metrics/metrics.js';
import { EmbeddedMetricsPublisher, NO_METRICS, PutMetricDataPublisher, type MetricsPublisher } from './metrics/publishers.js';
import { FailureStores } from './progress/failure-stores.js';
import {
  batchProgressOf,
  failureDocumentOf,
  holdFailover,
  planTarget,
  recordOfFailure,
  settleTarget,
  stateOf,
  type TargetSettlement,
} from './progress/isolation.js';
import { positionOf } from './progress/positions.js';
import { ProgressTable, type BatchProgress } from './progress/progress-table.js';
import { TargetStates } from './progress/target-state.js';
import {
  addPositioned,
  decodeRecords,
  eventSequenceNumber,
  noPositionedRecords,
  type DecodedRecords,
  type FanoutRecord,
  type PositionedRecords,
  type StreamEventRecord,
} from './records/index.js';
import { TARGET_TYPES } from './targets/registry.js';
import type { Sender } from './targets/types.js';

export interface FanoutSettings {
  tableName: string;
  /** Where the targets come from instead of the table (a run without one: a file, or flags). */
  targets?: TargetsSource | undefined;
  /** The progress table (per-target progress and state); without it a retry is sent to every target again. */
  progressTableName?: string | undefined;
  /** The function's failure store (FAILURE_STORE), for targets that name none. */
  failureStore?: string | undefined;
  functionName: string;
  /** The function's own region: the default for targets and where the table and metrics are. */
  region: string;
  configTtlMs: number;
  metricsNamespace: string;
  metricsOutput: MetricsOutput;
  /** Where embedded-metric lines go (stdout, with the log, in Lambda). */
  writeLine?: (line: string) => void;
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

/** What redrive did with a target's stored failures. */
export interface RedriveReport {
  delivered: number;
  failedAgain: number;
  /** Failures of the target still in its store, as far as the store can count them. */
  remaining: number;
}

/** Records named in an outcome's log line: enough to find them, not a line as long as the batch. */
export const LOGGED_POSITIONS_PER_LINE = 10;

/** One log line per outcome and reason, with a count and the first records' positions: not one per record. */
function logOutcomes(log: Logger, delivery: TargetDelivery): void {
  const groups = new Map<string, { status: string; reason: string; count: number; records: string[] }>();
  for (const [record, outcome] of delivery.failures) {
    const key = `${outcome.status}\n${outcome.reason}`;
    let group = groups.get(key);
    if (!group) {
      group = { status: outcome.status, reason: outcome.reason, count: 0, records: [] };
      groups.set(key, group);
    }
    group.count++;
    if (group.records.length < LOGGED_POSITIONS_PER_LINE) group.records.push(positionOf(record));
  }
  for (const { status, reason, count, records } of groups.values()) {
    log.warn(`${count} record${count === 1 ? '' : 's'} ${status}: ${reason}`, { status, reason, count, records });
  }
}

/** Delivers the records of stream events to the active targets of their sources. */
export class Fanout {
  private readonly loader: TargetsSource;
  private readonly metricsPublisher: MetricsPublisher;
  /**
   * Senders keep connections (Redis, memcached, OpenSearch) across invocations: one per target,
   * made again (and the old one closed) when the target's row changes.
   */
  private readonly senders = new Map<string, { row: string; sender: Promise<Sender> }>();
  private readonly progress: ProgressTable | undefined;
  private readonly states: TargetStates | undefined;
  private readonly stores: FailureStores;

  constructor(
    private readonly settings: FanoutSettings,
    private readonly clients: AwsClients = new AwsClients(settings.functionName),
  ) {
    const home = { region: settings.region };
    const dynamodb = this.clients.get(TablesClient, home);
    this.loader = settings.targets ?? new TargetsLoader(dynamodb, settings.tableName, settings.configTtlMs, settings.log);
    const publishers: { readonly [Output in MetricsOutput]: () => MetricsPublisher } = {
      emf: () => new EmbeddedMetricsPublisher(settings.metricsNamespace, settings.writeLine ?? writeStdoutLine),
      api: () => new PutMetricDataPublisher((constructor) => this.clients.get(constructor, home), settings.metricsNamespace),
      none: () => NO_METRICS,
    };
    this.metricsPublisher = publishers[settings.metricsOutput]();
    this.progress = settings.progressTableName ? new ProgressTable(dynamodb, settings.progressTableName) : undefined;
    this.states = this.progress ? new TargetStates(this.progress) : undefined;
    this.stores = new FailureStores((constructor, region) => this.clients.get(constructor, { region: region ?? settings.region }), settings.failureStore);
  }

  /**
   * Processes one event. Throws only when the whole event must be retried (the table cannot be
   * read); a target's failure is reported in `batchItemFailures`.
   */
  async process(event: StreamEvent, remainingTimeMs: () => number): Promise<BatchResponse> {
    const metrics = new InvocationMetrics(this.settings.functionName);
    const bySource = recordsBySource(event);

    const failures: BatchResponse['batchItemFailures'] = [];
    try {
      for (const [sourceArn, eventRecords] of bySource) {
        const earliestFailed = await this.processSource(sourceArn, eventRecords, remainingTimeMs, metrics);
        if (earliestFailed !== undefined) {
          failures.push({ itemIdentifier: eventSequenceNumber(event.Records[earliestFailed]!) });
        }
      }
    } finally {
      await this.metricsPublisher.publish(metrics, this.settings.log);
    }
    return { batchItemFailures: failures };
  }

  /**
   * Returns the event index of the earliest record some active target still holds (not taken,
   * not in its failure store). Before it says so, it records what each target took, so that on
   * the retry each target skips what it has.
   */
  private async processSource(
    sourceArn: string,
    eventRecords: PositionedRecords,
    remainingTimeMs: () => number,
    metrics: InvocationMetrics,
  ): Promise<number | undefined> {
    const log = this.settings.log.child({ sourceArn });
    const { records, eventIndices } = eventRecords;
    metrics.add('RecordsReceived', records.length, { Source: sourceArn });
    const [{ active, invalidRows }, previous] = await Promise.all([
      this.loader.targetsOf(sourceArn),
      this.progress?.readBatch(sourceArn, records[0]!) ?? Promise.resolve(undefined),
    ]);
    if (invalidRows > 0) metrics.add('InvalidRows', invalidRows, { Source: sourceArn });

    const views = new Map<string, DecodedRecords>();
    const decoded = (target: TargetConfig): DecodedRecords => {
      const view = { deaggregate: target.deaggregate, convertDDB: target.convertDDB };
      const key = JSON.stringify(view);
      let result = views.get(key);
      if (!result) {
        result = decodeRecords(eventRecords, view);
        views.set(key, result);
      }
      return result;
    };
    // wanted only when something fails: made then, once
    let byEventIndex: Map<number, StreamEventRecord> | undefined;
    const byIndex = (): ReadonlyMap<number, StreamEventRecord> => (byEventIndex ??= new Map(records.map((record, position) => [eventIndices[position]!, record])));

    const clock = realClock(() => remainingTimeMs() - this.settings.reserveMs);
    const limit = pLimit(this.settings.targetConcurrency);
    const settlements = new Map<string, TargetSettlement>();
    await Promise.all(
      active.map((target) =>
        limit(async () => {
          const started = Date.now();
          const dimensions = { Source: sourceArn, Target: target.id };
          const targetLog = log.child({ target: target.id, type: target.type });
          const plan = planTarget(decoded(target), previous?.[target.id]);
          const delivery = await this.deliver(target, plan.toSend, clock, targetLog);
          logOutcomes(targetLog, delivery);
          const settlement = settleTarget(target, plan, delivery, Date.now());
          const failedOver = await this.failOver(target, settlement, byIndex, targetLog);
          settlements.set(target.id, settlement);

          const counts = { delivered: delivery.records - delivery.failures.size, failed: 0, rejected: 0 };
          for (const outcome of delivery.failures.values()) counts[outcome.status]++;
          metrics.add('Delivered', counts.delivered, dimensions);
          metrics.add('Failed', counts.failed, dimensions);
          metrics.add('Rejected', counts.rejected, dimensions);
          metrics.add('Retries', delivery.retries, dimensions);
          metrics.add('Skipped', plan.skipped, dimensions);
          metrics.add('FailedOver', failedOver, dimensions);
          metrics.add('Duration', Date.now() - started, dimensions, 'Milliseconds');
          await this.states?.record(sourceArn, target.id, stateOf(settlement), (plan.previous?.attempts ?? 0) > 0).catch((error: unknown) => targetLog.warn('target state not written', { error }));
        }),
      ),
    );

    const undecodable = new Map<number, DecodedRecords['undecodable'][number]>();
    for (const view of views.values()) for (const record of view.undecodable) undecodable.set(record.eventIndex, record);
    if (undecodable.size > 0) {
      metrics.add('UndecodableRecords', undecodable.size, { Source: sourceArn });
      const reasons = Map.groupBy(undecodable.values(), ({ reason }) => reason);
      for (const [reason, group] of reasons) {
        log.warn(`${group.length} record${group.length === 1 ? '' : 's'} could not be decoded: ${reason}`, {
          count: group.length,
          records: group.slice(0, LOGGED_POSITIONS_PER_LINE).map(({ sequenceNumber }) => sequenceNumber),
        });
      }
    }

    const held = [...settlements.values()].flatMap((settlement) => settlement.held.map(({ eventIndex }) => eventIndex));
    if (held.length === 0) return undefined;
    const earliest = Math.min(...held);
    await this.recordProgress(sourceArn, byIndex().get(earliest)!, batchProgressOf(settlements, earliest), log);
    return earliest;
  }

  /** Before a retry: what each target took of the batch from the record it will start at. */
  private async recordProgress(sourceArn: string, from: StreamEventRecord, progress: BatchProgress, log: Logger): Promise<void> {
    if (!this.progress) return;
    try {
      await this.progress.writeBatch(sourceArn, from, progress);
    } catch (error) {
      // the retry then goes to every target again: duplicates at the healthy ones, nothing lost
      log.error('per-target progress not written: the retry is sent to every target', { error });
    }
  }

  /**
   * Puts what the target gave up (refused, undecodable for it, past its limits) in its failure
   * store; what cannot be stored there, or where there is no store, stays held, so nothing is
   * lost. Returns how many were stored.
   */
  private async failOver(target: TargetConfig, settlement: TargetSettlement, byIndex: () => ReadonlyMap<number, StreamEventRecord>, log: Logger): Promise<number> {
    const { failover } = settlement;
    if (failover.length === 0) return 0;
    const count = `${failover.length} record${failover.length === 1 ? '' : 's'}`;
    const hold = (reason: string) => {
      holdFailover(settlement, reason, byIndex());
      return 0;
    };
    const storeArn = this.stores.arnFor(target.onFailure);
    if (!storeArn) {
      const reason = 'held: no failure store to put it in (set onFailure on the target, or FAILURE_STORE on the function)';
      log.error(`${count} ${reason}`, { reason: failover[0]!.reason });
      return hold(reason);
    }
    const now = Date.now();
    try {
      const store = await this.stores.storeFor(storeArn);
      await store.put(failover.map((item) => failureDocumentOf(target, item, byIndex(), settlement, now)));
    } catch (error) {
      log.error(`${count} not stored in ${storeArn}: held for a retry`, { error });
      return hold(`failure store ${storeArn}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.progress?.addStored(target.sourceArn, target.id, failover.length).catch((error: unknown) => log.warn('stored count not written', { error }));
    return failover.length;
  }

  /**
   * Sends what a target's failure store holds back to the target through the same delivery code,
   * oldest record first: what is delivered leaves the store, what fails again stays with its new reason.
   */
  async redrive(sourceArn: string, targetId: string, options: { max?: number; remainingTimeMs: () => number }): Promise<RedriveReport> {
    const target = (await this.loader.targetsOf(sourceArn)).all.find((row) => row.id === targetId);
    if (!target) throw new Error(`no valid target ${targetId} of ${sourceArn} in ${this.loader.description}`);
    const storeArn = this.stores.arnFor(target.onFailure);
    if (!storeArn) throw new Error(`target ${targetId} has no failure store (no onFailure, and the function has no FAILURE_STORE)`);
    const store = await this.stores.storeFor(storeArn);
    const log = this.settings.log.child({ sourceArn, target: target.id, type: target.type, redrive: store.arn });
    const stored = await store.list(sourceArn, targetId, options.max ?? Number.POSITIVE_INFINITY);
    const records = stored.map(({ document }, index) => recordOfFailure(document, index));
    const delivery = await this.deliver(target, records, realClock(options.remainingTimeMs), log);
    logOutcomes(log, delivery);
    let delivered = 0;
    const now = new Date().toISOString();
    for (const [index, failure] of stored.entries()) {
      const outcome = outcomeOf(delivery, records[index]!);
      if (outcome.status === 'delivered') {
        await failure.remove();
        delivered++;
      } else {
        await failure.replace({ ...failure.document, reason: outcome.reason, attempts: failure.document.attempts + 1, lastFailureAt: now });
      }
    }
    if (delivered > 0) await this.progress?.addStored(sourceArn, targetId, -delivered);
    const failedAgain = stored.length - delivered;
    return { delivered, failedAgain, remaining: (await store.count(sourceArn, targetId)) ?? failedAgain };
  }

  private async deliver(
    target: TargetConfig,
    records: readonly FanoutRecord[],
    clock: ReturnType<typeof realClock>,
    log: Logger,
  ): Promise<TargetDelivery> {
    const type = TARGET_TYPES[target.type];
    try {
      const sender = await this.senderFor(target, log);
      return await deliverToTarget(target, type, sender, records, { policy: this.settings.retry, clock });
    } catch (error) {
      log.error('target could not be served', { error });
      return failedDelivery(records, error instanceof Error ? error.message : String(error));
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
    const scope = (destinationRegion?: string, ownEndpoint?: OwnEndpoint): AwsScope => ({
      region: target.region ?? destinationRegion ?? this.settings.region,
      role: target.role,
      externalId: target.externalId,
      endpoint: ownEndpoint && this.clients.endpointFor(ownEndpoint),
    });
    const sender = type.loadSender().then((create) =>
      create({
        destination,
        target,
        log,
        awsClient: (constructor, destinationRegion, ownEndpoint) => this.clients.get(constructor, scope(destinationRegion, ownEndpoint)),
        awsScope: (destinationRegion, ownEndpoint) => {
          const targetScope = scope(destinationRegion, ownEndpoint);
          return {
            region: targetScope.region,
            credentials: this.clients.credentials(targetScope),
            ...(targetScope.endpoint ? { endpoint: targetScope.endpoint } : {}),
          };
        },
      }),
    );
    sender.catch(() => this.senders.delete(targetKey));
    this.senders.set(targetKey, { row, sender });
    return sender;
  }
}

/**
 * The event's records by the stream they came from. An event names one source, or a few: a record
 * of the source named by the record before it is placed without a lookup (the comparison of two
 * equal names costs less than a lookup's hash of a new string).
 */
function recordsBySource(event: StreamEvent): Map<string, PositionedRecords> {
  const bySource = new Map<string, PositionedRecords>();
  // the stream of each name, named once
  const streamArns = new Map<string, string>();
  let previousName: string | undefined;
  let previousSource = '';
  let previousRecords: PositionedRecords = noPositionedRecords();
  // whether the name is the source: compared once a run of one name, as a compare reads both strings
  let namesSource = true;
  event.Records.forEach((record, eventIndex) => {
    const named = record.eventSourceARN ?? '';
    if (named !== previousName) {
      let source = streamArns.get(named);
      if (source === undefined) {
        // a mapping through an enhanced fan-out consumer may name the consumer: targets are kept by the stream's ARN
        source = streamArnOf(named);
        streamArns.set(named, source);
      }
      let ofSource = bySource.get(source);
      if (!ofSource) bySource.set(source, (ofSource = noPositionedRecords()));
      previousName = named;
      previousSource = source;
      previousRecords = ofSource;
      namesSource = source === named;
    }
    addPositioned(previousRecords, namesSource ? record : { ...record, eventSourceARN: previousSource }, eventIndex);
  });
  return bySource;
}

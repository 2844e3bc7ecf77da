/**
 * What the function and the console agree on: environment names, table names and keys, the
 * failure store's layout, the target state the console reads, metric names. Defined once here;
 * the console imports them from `@fanout/runtime/config`.
 */

/** The function's environment variables (deploy sets the first three). */
export const ENVIRONMENT = {
  targetsTable: 'TARGETS_TABLE',
  progressTable: 'PROGRESS_TABLE',
  failureStore: 'FAILURE_STORE',
  configTtlSeconds: 'CONFIG_TTL_SECONDS',
  metricsNamespace: 'METRICS_NAMESPACE',
  metricsOutput: 'METRICS_OUTPUT',
  targetConcurrency: 'TARGET_CONCURRENCY',
  retryMaxAttempts: 'RETRY_MAX_ATTEMPTS',
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
  logLevel: 'LOG_LEVEL',
} as const;

/** How long the function keeps a source's targets before it reads them again, unless CONFIG_TTL_SECONDS says: how long a change may take to reach it. */
export const DEFAULT_CONFIG_TTL_SECONDS = 60;

export const DEFAULT_METRICS_NAMESPACE = 'Custom/FanOut';

/**
 * How the function publishes its metrics: `emf`, log lines in CloudWatch's embedded metric format
 * (the default in Lambda); `api`, PutMetricData (the default elsewhere, as in the local poller);
 * `none`, not at all (the default of a standalone run, which may have no CloudWatch to send to).
 */
export const METRICS_OUTPUTS = ['emf', 'api', 'none'] as const;
export type MetricsOutput = (typeof METRICS_OUTPUTS)[number];

export const METRIC_NAMES = [
  'RecordsReceived',
  'UndecodableRecords',
  'InvalidRows',
  'Delivered',
  'Failed',
  'Rejected',
  'Retries',
  'Duration',
  /** Records a target had taken already (per-target progress), not sent again. */
  'Skipped',
  /** Records put in a target's failure store (refused, or past the target's limits). */
  'FailedOver',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** The dimensions the function's counters are published with, by name: per source, and per target of a source. */
export function metricDimensions(functionName: string, sourceArn: string, targetId?: string): Record<string, string> {
  return { Function: functionName, Source: sourceArn, ...(targetId === undefined ? {} : { Target: targetId }) };
}

export function targetsTableNameFor(functionName: string): string {
  return `${functionName}Targets`;
}

export function progressTableNameFor(functionName: string): string {
  return `${functionName}Progress`;
}

/**
 * deploy's default failure store: an S3 bucket of the function's (names are global, so the account
 * and region are in it; S3 allows 3 to 63 lowercase letters, digits and hyphens).
 */
export function defaultFailureBucketFor(functionName: string, account: string, region: string): string {
  const suffix = `-failures-${account}-${region}`;
  const name = functionName.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63 - suffix.length);
  return `${name}${suffix}`.replace(/^-+/, '');
}

/** A table's keys as CreateTable takes them: a hash key and a range key, both strings. */
export function stringKeySchema(keys: { readonly partition: string; readonly sort: string }) {
  return {
    AttributeDefinitions: [
      { AttributeName: keys.partition, AttributeType: 'S' as const },
      { AttributeName: keys.sort, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: keys.partition, KeyType: 'HASH' as const },
      { AttributeName: keys.sort, KeyType: 'RANGE' as const },
    ],
  };
}

/** The Query of one partition of a table, by its keys: the targets of a source, the states of a source's targets. */
export function partitionQuery(keys: { readonly partition: string }, value: string) {
  return {
    KeyConditionExpression: '#partition = :partition',
    ExpressionAttributeNames: { '#partition': keys.partition },
    ExpressionAttributeValues: { ':partition': value },
  };
}

/** The targets table: one row per target. */
export const TARGETS_TABLE_KEY = { partition: 'sourceArn', sort: 'id' } as const;

export function targetRowKey(sourceArn: string, id: string) {
  return { [TARGETS_TABLE_KEY.partition]: sourceArn, [TARGETS_TABLE_KEY.sort]: id };
}

/**
 * The progress table (`<function>Progress`): per-target progress of a retried batch, and each
 * target's state, under one pair of string keys; entries of progress expire (TTL attribute).
 */
export const PROGRESS_TABLE_KEY = { partition: 'pk', sort: 'sk' } as const;
export const PROGRESS_TTL_ATTRIBUTE = 'expiresAt';

/**
 * What each target took of a batch that is retried from `sequenceNumber` on, in its shard (a
 * sequence number is unique only within one: moto's count from 1 in each; `-` where the event
 * does not say the shard, as a DynamoDB stream's does not, whose sequence numbers are the stream's).
 */
export function batchProgressKey(sourceArn: string, shardId: string | undefined, sequenceNumber: string) {
  return { pk: `progress#${sourceArn}`, sk: `${shardId ?? '-'}#${sequenceNumber}` };
}

/** The state of every target of a source: one Query on this partition. */
export function targetStatePartition(sourceArn: string): string {
  return `state#${sourceArn}`;
}

export function targetStateKey(sourceArn: string, targetId: string) {
  return { pk: targetStatePartition(sourceArn), sk: targetId };
}

/**
 * The console's note that a source was hooked and then unhooked (`unhookedAt`, ISO), in the
 * progress table: a new hook of it starts at LATEST by default, not replaying the whole stream.
 */
export function hookHistoryKey(sourceArn: string) {
  return { pk: 'hooks', sk: sourceArn };
}

export const TARGET_STATES = ['ok', 'retrying', 'stuck'] as const;
export type TargetStateName = (typeof TARGET_STATES)[number];

/** A target's state as the function writes it (only when it changes) and the console reads it. */
export interface TargetStateItem {
  pk: string;
  sk: string;
  /** `retrying`: its last delivery failed, and it holds the shard; `stuck`: so for several invocations in a row. */
  state: TargetStateName;
  /** ISO time the state began. */
  since: string;
  /** The last error, in plain words (no payloads, no credentials). */
  lastError?: string;
  /** ISO arrival time of the oldest record it holds: how far behind it is. */
  heldSince?: string;
  /** Records put in its failure store so far (added to as they are stored, less what redrive delivered). */
  stored?: number;
  /** ISO time of the write. */
  updatedAt: string;
}

/** Where a target's failures go: an SQS queue, an SNS topic or an S3 bucket, by ARN. */
export const FAILURE_STORE_ARN = /^arn:aws[a-z-]*:(?:(sqs):([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)|(sns):([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)|(s3):::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]))$/;
export const FAILURE_STORE_FORMAT = 'an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME) or an S3 bucket ARN (arn:aws:s3:::BUCKET)';

export type FailureStoreRef =
  | { kind: 'sqs'; arn: string; region: string; account: string; name: string }
  | { kind: 'sns'; arn: string; region: string; account: string; name: string }
  | { kind: 's3'; arn: string; bucket: string };

export function parseFailureStore(arn: string): FailureStoreRef | undefined {
  const match = FAILURE_STORE_ARN.exec(arn);
  if (!match) return undefined;
  if (match[1]) return { kind: 'sqs', arn, region: match[2]!, account: match[3]!, name: match[4]! };
  if (match[5]) return { kind: 'sns', arn, region: match[6]!, account: match[7]!, name: match[8]! };
  return { kind: 's3', arn, bucket: match[10]! };
}

/** The objects of one target's failures in an S3 store, listed in record order. */
export function failurePrefix(sourceArn: string, targetId: string): string {
  return `failures/${encodeURIComponent(sourceArn)}/${encodeURIComponent(targetId)}/`;
}

/**
 * A failure's object: under its shard (a sequence number is unique only within one: moto's count
 * from 1 in each), its sequence number padded to one length, so that S3 lists each shard's
 * failures of a target in record order.
 */
export function failureObjectKey({ sourceArn, shardId, target, record }: Pick<FailureDocument, 'sourceArn' | 'shardId' | 'target' | 'record'>): string {
  const position = `${record.sequenceNumber.padStart(128, '0')}-${String(record.subSequenceNumber ?? 0).padStart(10, '0')}`;
  return `${failurePrefix(sourceArn, target.id)}${encodeURIComponent(shardId ?? '-')}/${position}.json`;
}

export const FAILURE_DOCUMENT_VERSION = 1;

/** A record a target could not take, whole, with what is needed to deliver it later (redrive). */
export interface FailureDocument {
  fanoutFailure: typeof FAILURE_DOCUMENT_VERSION;
  sourceArn: string;
  shardId?: string;
  target: { id: string; type: string };
  record: {
    key: string;
    sequenceNumber: string;
    subSequenceNumber?: number;
    action: string;
    approximateArrivalTimestamp?: number;
    /** The record's bytes, in base64. */
    data: string;
    keys?: Record<string, unknown>;
    /** Lambda's event record it came in (its data the record's), as the target's consumers know it. */
    eventRecord: unknown;
  };
  reason: string;
  attempts: number;
  firstFailureAt: string;
  lastFailureAt: string;
}

/** A failure document too large for a message: the message points at the whole document in S3. */
export interface FailurePointer {
  fanoutFailurePointer: typeof FAILURE_DOCUMENT_VERSION;
  bucket: string;
  key: string;
  sourceArn: string;
  target: { id: string; type: string };
  sequenceNumber: string;
  subSequenceNumber?: number;
  reason: string;
}

export const LOCAL_STATUS_VERSION = 1;

/** How far behind one shard's reading is, as the local poller sees it. */
export interface LocalShardLag {
  mappingId: string;
  sourceArn: string;
  shardId: string;
  /** Now less the arrival time of the last record handed to the function; 0 once the shard is read to its tip. */
  millisBehind: number;
  /** The largest lag of each minute, `[minute since the epoch, milliseconds]`, oldest first, over the last hour. */
  minutes: Array<[number, number]>;
}

/**
 * What a running local poller writes, every few seconds, to its status file: the console's
 * sources screen reads each shard's lag from it (Lambda's IteratorAge is not there in local mode).
 */
export interface LocalStatus {
  fanoutLocalStatus: typeof LOCAL_STATUS_VERSION;
  functionName: string;
  /** ISO time of the write: a file not written for a while belongs to a poller that has stopped. */
  updatedAt: string;
  shards: LocalShardLag[];
}

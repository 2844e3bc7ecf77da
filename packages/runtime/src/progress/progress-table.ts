import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  PROGRESS_TTL_ATTRIBUTE,
  batchProgressKey,
  targetStateKey,
  type TargetStateItem,
} from '../config/contracts.js';
import { eventSequenceNumber, eventShardId, type StreamEventRecord } from '../records/index.js';
import type { TakenRanges } from './positions.js';

/** What one target took of a batch, and how often it has failed there. */
export interface TargetProgress {
  taken: TakenRanges;
  /** Invocations in a row in which the target failed records of this batch (0: none failed). */
  attempts: number;
  /** ISO time of its first failure there. */
  firstFailureAt?: string;
}

/** Per target id. */
export type BatchProgress = Record<string, TargetProgress>;

/**
 * The entries of progress outlive any retry of their batch: Lambda retries a Kinesis batch until
 * its records expire (a week at most by default here) and a DynamoDB stream's within a day.
 */
export const PROGRESS_TTL_SECONDS = 8 * 24 * 3600;

/**
 * DynamoDB items hold 400 KB: a target whose taken runs would not fit keeps its first runs only,
 * so that it is sent again what it had beyond them (at least once), never less.
 */
const MAX_RANGES_PER_TARGET = 1_000;

/** The progress table: per-target progress of retried batches, and each target's state (the console reads those). */
export class ProgressTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    dynamodb: DynamoDBClient,
    readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** What the targets took of the batch retried from the record `from`, if it is a retry. */
  async readBatch(sourceArn: string, from: StreamEventRecord, signal?: AbortSignal): Promise<BatchProgress | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: batchProgressKey(sourceArn, eventShardId(from), eventSequenceNumber(from)), ConsistentRead: true }),
      { abortSignal: signal },
    );
    return Item?.targets as BatchProgress | undefined;
  }

  async writeBatch(sourceArn: string, from: StreamEventRecord, progress: BatchProgress, signal?: AbortSignal): Promise<void> {
    const shardId = eventShardId(from);
    const targets = Object.fromEntries(
      Object.entries(progress).map(([id, target]) => [id, { ...target, taken: target.taken.slice(0, MAX_RANGES_PER_TARGET) }]),
    );
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...batchProgressKey(sourceArn, shardId, eventSequenceNumber(from)),
          shardId,
          targets,
          writtenAt: new Date(this.now()).toISOString(),
          [PROGRESS_TTL_ATTRIBUTE]: Math.floor(this.now() / 1000) + PROGRESS_TTL_SECONDS,
        },
      }),
      { abortSignal: signal },
    );
  }

  /** Writes the state's fields; `stored` is left to `addStored`. */
  async writeState(sourceArn: string, targetId: string, state: Omit<TargetStateItem, 'pk' | 'sk' | 'stored' | 'updatedAt'>): Promise<void> {
    const fields: Record<string, unknown> = { ...state, updatedAt: new Date(this.now()).toISOString() };
    const names = Object.keys(fields);
    const cleared = (['lastError', 'heldSince'] as const).filter((name) => fields[name] === undefined);
    const set = names.filter((name) => fields[name] !== undefined);
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: targetStateKey(sourceArn, targetId),
        UpdateExpression: `SET ${set.map((name) => `#${name} = :${name}`).join(', ')}${cleared.length > 0 ? ` REMOVE ${cleared.map((name) => `#${name}`).join(', ')}` : ''}`,
        ExpressionAttributeNames: Object.fromEntries([...set, ...cleared].map((name) => [`#${name}`, name])),
        ExpressionAttributeValues: Object.fromEntries(set.map((name) => [`:${name}`, fields[name]])),
      }),
    );
  }

  /** Adds to (or, negative, takes from) the count of records in the target's failure store. */
  async addStored(sourceArn: string, targetId: string, count: number): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: targetStateKey(sourceArn, targetId),
        UpdateExpression: 'ADD #stored :count SET #updatedAt = :now',
        ExpressionAttributeNames: { '#stored': 'stored', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':count': count, ':now': new Date(this.now()).toISOString() },
      }),
    );
  }
}

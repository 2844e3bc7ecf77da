import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '../log/logger.js';
import { TARGETS_TABLE_KEY, partitionQuery } from './contracts.js';
import { validateTargetRow, type TargetConfig } from './schema.js';

export interface SourceTargets {
  /** The valid, active targets of the source. */
  active: TargetConfig[];
  /** Every valid target of the source, active or not. */
  all: TargetConfig[];
  /** How many of the source's rows failed validation (each was logged once, when loaded). */
  invalidRows: number;
}

/** Where a source's targets come from: the targets table, or a file for a run without one. */
export interface TargetsSource {
  /** Where they are, for messages: `the table NAME`, `the file PATH`. */
  readonly description: string;
  targetsOf(sourceArn: string): Promise<SourceTargets>;
}

/**
 * Reads the targets of a source from the table (every page) and keeps them for `ttlMs`.
 * A row that fails validation is skipped with one log line; a table that cannot be read throws.
 */
export class TargetsLoader implements TargetsSource {
  private readonly documents: DynamoDBDocumentClient;
  private readonly cache = new Map<string, { loadedAt: number; targets: SourceTargets }>();

  constructor(
    dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb);
  }

  get description(): string {
    return `the table ${this.tableName}`;
  }

  async targetsOf(sourceArn: string): Promise<SourceTargets> {
    const cached = this.cache.get(sourceArn);
    if (cached && this.now() - cached.loadedAt < this.ttlMs) return cached.targets;
    const targets = await this.load(sourceArn);
    this.cache.set(sourceArn, { loadedAt: this.now(), targets });
    return targets;
  }

  private async load(sourceArn: string): Promise<SourceTargets> {
    const targets: SourceTargets = { active: [], all: [], invalidRows: 0 };
    const pages = paginateQuery(
      { client: this.documents },
      { TableName: this.tableName, ...partitionQuery(TARGETS_TABLE_KEY, sourceArn), ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const row of page.Items ?? []) {
        const validation = validateTargetRow(row);
        if (validation.ok) {
          targets.all.push(validation.target);
          if (validation.target.active) targets.active.push(validation.target);
          continue;
        }
        targets.invalidRows++;
        this.log.warn(`skipping invalid target row ${String(row.id)}: ${validation.problems.join('; ')}`, {
          table: this.tableName,
          sourceArn,
          id: row.id,
          problems: validation.problems,
        });
      }
    }
    return targets;
  }
}

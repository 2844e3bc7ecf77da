import { ConditionalCheckFailedException, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import { TARGETS_TABLE_KEY, partitionQuery, targetRowKey, validateTargetRow, type TargetConfig } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';

const ROW_EXISTS = `attribute_exists(${TARGETS_TABLE_KEY.partition})`;

/** The deployment's targets table does not exist (not deployed yet, or another --table was meant). */
export class MissingTableError extends NotFoundError {
  override name = 'MissingTableError';
}

/** A row as stored, with what is wrong with it (nothing, for a valid row). */
export interface StoredTarget {
  row: Record<string, unknown>;
  target?: TargetConfig;
  problems: string[];
}

/** The targets table of a deployment: one row per (source, target id). */
export class TargetsTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    context: AwsContext,
    readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(context.aws.client(DynamoDBClient), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** The targets of one source, or of every source. */
  async list(sourceArn?: string): Promise<StoredTarget[]> {
    const rows: Record<string, unknown>[] = [];
    const pages = sourceArn
      ? paginateQuery({ client: this.documents }, { TableName: this.tableName, ...partitionQuery(TARGETS_TABLE_KEY, sourceArn) })
      : paginateScan({ client: this.documents }, { TableName: this.tableName });
    await this.tableMustExist(async () => {
      for await (const page of pages) rows.push(...(page.Items ?? []));
    });
    return rows.map((row) => {
      const validation = validateTargetRow(row);
      return validation.ok ? { row, target: validation.target, problems: [] } : { row, problems: validation.problems };
    });
  }

  async get(sourceArn: string, id: string): Promise<StoredTarget> {
    const found = (await this.list(sourceArn)).find((stored) => stored.row.id === id);
    if (!found) throw new NotFoundError(`--id: no target "${id}" for ${sourceArn}; see fanout-console list`);
    return found;
  }

  /** Writes a new row; refuses to overwrite one. */
  async create(target: TargetConfig): Promise<void> {
    await this.put(target, `attribute_not_exists(${TARGETS_TABLE_KEY.partition})`, `--id: target "${target.id}" already exists for ${target.sourceArn}; change it with update`);
  }

  /** Replaces an existing row. */
  async replace(target: TargetConfig): Promise<void> {
    await this.put(target, ROW_EXISTS, `--id: no target "${target.id}" for ${target.sourceArn}; see fanout-console list`);
  }

  async delete(sourceArn: string, id: string): Promise<void> {
    await this.tableMustExist(async () => {
      try {
        await this.documents.send(
          new DeleteCommand({ TableName: this.tableName, Key: targetRowKey(sourceArn, id), ConditionExpression: ROW_EXISTS }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new NotFoundError(`--id: no target "${id}" for ${sourceArn}; see fanout-console list`);
        throw error;
      }
    });
  }

  private async put(target: TargetConfig, condition: string, conditionFailed: string): Promise<void> {
    await this.tableMustExist(async () => {
      try {
        await this.documents.send(new PutCommand({ TableName: this.tableName, Item: target, ConditionExpression: condition }));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new UsageError(conditionFailed);
        throw error;
      }
    });
  }

  private async tableMustExist(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new MissingTableError(`--table: no table ${this.tableName}; run fanout-console deploy first, or pass --table`);
      }
      throw error;
    }
  }
}

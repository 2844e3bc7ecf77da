import { DynamoDBClient, paginateListTables } from '@aws-sdk/client-dynamodb';
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { sourceKind, type SourceKind } from '@fanout/runtime/config';
import pLimit from 'p-limit';
import { describeTable } from '../aws/deployment.js';
import { functionMappings, mappingConsumer, mappingStreamArn, type TransitionalState } from '../aws/mappings.js';
import type { Deployment } from '../aws/names.js';
import { progressTableOf, stuckTargetCounts } from '../aws/progress-table.js';
import { listKinesisStreams, tableStreamArn } from '../aws/sources.js';
import { MissingTableError, TargetsTable } from '../aws/targets-table.js';
import type { AwsContext } from '../context.js';

/** Whether the function reads a source: not hooked, enabled, paused (disabled), or on its way between two of these. */
export type HookState = 'none' | 'enabled' | 'paused' | TransitionalState;

/** The targets of a source: those the function delivers to (valid and active), and every row. */
export interface TargetCounts {
  active: number;
  all: number;
}

export interface DiscoveredSource {
  kind: SourceKind;
  /** The stream's name, or the table's for a DynamoDB stream. */
  name: string;
  /** The stream's ARN (a table's latest stream): what hooks and target rows name the source by. */
  arn: string;
  hook: HookState;
  /** The name of the Kinesis stream consumer the hook reads through (enhanced fan-out), when it does. */
  consumer?: string | undefined;
  targets: TargetCounts;
  /** Its targets that are stuck (holding the shard for several invocations in a row), as the function's progress table says. */
  stuck: number;
  /**
   * False for a source known only from a hook or from target rows: a stream of another account
   * or region, or one that no longer exists.
   */
  listed: boolean;
}

type SourceRef = Pick<DiscoveredSource, 'kind' | 'name' | 'arn'>;

/** The sources whose name holds `filter`, whatever the case: what the sources screen shows as you type. */
export function sourcesMatching(sources: readonly DiscoveredSource[], filter: string): DiscoveredSource[] {
  const wanted = filter.toLowerCase();
  return sources.filter((source) => source.name.toLowerCase().includes(wanted));
}

/** DescribeTable calls at once: enough to list thousands of tables in seconds, few enough not to be throttled. */
const DESCRIBE_CONCURRENCY = 16;

/**
 * Every source the deployment could read in the session's account and region: the Kinesis streams,
 * and the DynamoDB tables that have a stream, each with its hook and its targets; then the sources
 * hooks and target rows name that the listing did not find. Sorted by kind and name.
 */
export async function discoverSources(context: AwsContext, deployment: Deployment): Promise<DiscoveredSource[]> {
  const [streams, tables, mappings, counts, stuck] = await Promise.all([
    listKinesisStreams(context.aws),
    streamedTables(context),
    functionMappings(context, deployment.functionName),
    targetCounts(context, deployment.tableName),
    progressTableOf(context, deployment).then((tableName) => stuckTargetCounts(context, tableName)),
  ]);
  const hooks = new Map(mappings.map((mapping) => [mappingStreamArn(mapping), { hook: hookState(mapping), consumer: mappingConsumer(mapping)?.name }]));
  const listed: SourceRef[] = [...streams.map((stream) => ({ kind: 'kinesis' as const, ...stream })), ...tables];
  const listedArns = new Set(listed.map((source) => source.arn));
  const unlisted = [...new Set([...hooks.keys(), ...counts.keys()])].filter((arn) => !listedArns.has(arn)).flatMap((arn) => {
    const kind = sourceKind(arn);
    return kind ? [{ kind, name: nameInArn(arn), arn }] : [];
  });
  const withState = (source: SourceRef, isListed: boolean): DiscoveredSource => ({
    ...source,
    ...(hooks.get(source.arn) ?? { hook: 'none' }),
    targets: counts.get(source.arn) ?? { active: 0, all: 0 },
    stuck: stuck.get(source.arn) ?? 0,
    listed: isListed,
  });
  return [...listed.map((source) => withState(source, true)), ...unlisted.map((source) => withState(source, false))].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn),
  );
}

/** The tables with a stream: each page's tables are described (concurrently, bounded) while the next page is fetched. */
async function streamedTables(context: AwsContext): Promise<SourceRef[]> {
  const limit = pLimit(DESCRIBE_CONCURRENCY);
  const described: Array<Promise<SourceRef | undefined>> = [];
  for await (const page of paginateListTables({ client: context.aws.client(DynamoDBClient) }, {})) {
    for (const name of page.TableNames ?? []) {
      const table = limit(() => streamedTable(context, name));
      // handled at once, so that a failure before the listing ends is not an unhandled rejection; Promise.all reports it
      table.catch(() => undefined);
      described.push(table);
    }
  }
  return (await Promise.all(described)).filter((table) => table !== undefined);
}

async function streamedTable(context: AwsContext, name: string): Promise<SourceRef | undefined> {
  const table = await describeTable(context, name);
  const arn = table && tableStreamArn(table);
  return arn ? { kind: 'dynamodb', name, arn } : undefined;
}

/** The targets of every source, from one scan of the table; none while the table does not exist. */
async function targetCounts(context: AwsContext, tableName: string): Promise<Map<string, TargetCounts>> {
  const stored = await new TargetsTable(context, tableName).list().catch((error: unknown) => {
    if (error instanceof MissingTableError) return [];
    throw error;
  });
  const counts = new Map<string, TargetCounts>();
  for (const { row, target } of stored) {
    const sourceArn = String(row.sourceArn);
    const count = counts.get(sourceArn) ?? { active: 0, all: 0 };
    count.all += 1;
    if (target?.active) count.active += 1;
    counts.set(sourceArn, count);
  }
  return counts;
}

export function hookState(mapping: EventSourceMappingConfiguration): HookState {
  if (mapping.State === 'Enabled') return 'enabled';
  if (mapping.State === 'Disabled') return 'paused';
  return mapping.State as TransitionalState;
}

/** The stream's name in a Kinesis stream ARN, the table's in a DynamoDB stream ARN. */
function nameInArn(arn: string): string {
  return /:stream\/([^/]+)$/.exec(arn)?.[1] ?? /:table\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** A hook's state for people, with the consumer it reads through: `enabled`, `paused (consumer copy)`, … */
export function hookLabel({ hook, consumer }: Pick<DiscoveredSource, 'hook' | 'consumer'>): string {
  return consumer !== undefined && hook !== 'none' ? `${hook} (consumer ${consumer})` : hook;
}

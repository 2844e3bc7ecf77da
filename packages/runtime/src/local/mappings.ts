import { paginateListEventSourceMappings, type EventSourceMappingConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { sourceKind, streamArnOf } from '../config/schema.js';
import type { ShardPosition } from './stream-reader.js';

/** An event source mapping as the local poller follows it: Lambda's settings for reading the stream. */
export interface PolledMapping {
  id: string;
  /** The stream read: for a mapping through an enhanced fan-out consumer, the consumer's stream (read here with GetRecords). */
  sourceArn: string;
  batchSize: number;
  startingPosition: Exclude<ShardPosition, { type: 'AFTER_SEQUENCE_NUMBER' }>;
  /** FunctionResponseTypes has ReportBatchItemFailures: Lambda reads `batchItemFailures`, else it ignores them. */
  reportsItemFailures: boolean;
  /** -1: until the records expire, Lambda's default for streams. */
  maximumRetryAttempts: number;
}

/** Lambda's default batch size for Kinesis and DynamoDB streams. */
const DEFAULT_BATCH_SIZE = 100;

function polledMapping(mapping: EventSourceMappingConfiguration, sourceArn: string): PolledMapping {
  // an AT_TIMESTAMP mapping without its timestamp (moto does not return it) reads from the start: more, never less
  const startingPosition: PolledMapping['startingPosition'] =
    mapping.StartingPosition === 'AT_TIMESTAMP' && mapping.StartingPositionTimestamp
      ? { type: 'AT_TIMESTAMP', timestamp: mapping.StartingPositionTimestamp }
      : { type: mapping.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON' };
  return {
    id: mapping.UUID!,
    sourceArn,
    batchSize: mapping.BatchSize ?? DEFAULT_BATCH_SIZE,
    startingPosition,
    reportsItemFailures: mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
    maximumRetryAttempts: mapping.MaximumRetryAttempts ?? -1,
  };
}

/** The function's enabled mappings of Kinesis and DynamoDB streams (a Kinesis stream read directly or through a consumer): the ones Lambda would poll. */
export async function enabledStreamMappings(lambda: LambdaClient, functionName: string): Promise<PolledMapping[]> {
  const mappings: PolledMapping[] = [];
  for await (const page of paginateListEventSourceMappings({ client: lambda }, { FunctionName: functionName })) {
    for (const mapping of page.EventSourceMappings ?? []) {
      const sourceArn = streamArnOf(mapping.EventSourceArn ?? '');
      if (mapping.State === 'Enabled' && sourceKind(sourceArn) !== undefined) mappings.push(polledMapping(mapping, sourceArn));
    }
  }
  return mappings;
}

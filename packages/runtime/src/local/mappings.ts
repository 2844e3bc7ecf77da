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
  /** The function the mapping invokes: what the on-failure record names. */
  functionArn: string;
  /** Records older than this are not sent to the function; -1 (Lambda's default): no limit. */
  maximumRecordAgeSeconds: number;
  /** A batch the function fails on is split in two, each half tried on its own (splits use no retry). */
  bisectOnError: boolean;
  /** Where a record of each batch given up on goes (DestinationConfig.OnFailure.Destination): an SQS queue, SNS topic or S3 bucket ARN. */
  onFailureDestination: string | undefined;
  /** How many batches of one shard are processed at once (1 to 10); a partition key's records stay in one, in order. */
  parallelizationFactor: number;
  /** How long records are gathered before the function is invoked with fewer than a full batch. */
  batchingWindowMs: number;
  /** FilterCriteria's patterns, as JSON texts: a record matching none is dropped. Empty: no filtering. */
  filterPatterns: string[];
}

/** Lambda's largest ParallelizationFactor. */
const MAX_PARALLELIZATION_FACTOR = 10;

/** Lambda's settings for a stream mapping where none is given (moto returns only the settings it was given). */
const LAMBDA_DEFAULTS: Omit<PolledMapping, 'id' | 'sourceArn'> = {
  batchSize: 100,
  startingPosition: { type: 'TRIM_HORIZON' },
  reportsItemFailures: false,
  maximumRetryAttempts: -1,
  functionArn: '',
  maximumRecordAgeSeconds: -1,
  bisectOnError: false,
  onFailureDestination: undefined,
  parallelizationFactor: 1,
  batchingWindowMs: 0,
  filterPatterns: [],
};

/** A mapping given by its settings, Lambda's defaults for the others (a poller of a stream with no Lambda behind it). */
export function streamMapping(settings: Pick<PolledMapping, 'id' | 'sourceArn'> & Partial<PolledMapping>): PolledMapping {
  return { ...LAMBDA_DEFAULTS, ...settings };
}

function polledMapping(mapping: EventSourceMappingConfiguration, sourceArn: string): PolledMapping {
  // an AT_TIMESTAMP mapping without its timestamp (moto does not return it) reads from the start: more, never less
  const startingPosition: PolledMapping['startingPosition'] =
    mapping.StartingPosition === 'AT_TIMESTAMP' && mapping.StartingPositionTimestamp
      ? { type: 'AT_TIMESTAMP', timestamp: mapping.StartingPositionTimestamp }
      : { type: mapping.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON' };
  const factor = mapping.ParallelizationFactor ?? LAMBDA_DEFAULTS.parallelizationFactor;
  return {
    id: mapping.UUID!,
    sourceArn,
    batchSize: mapping.BatchSize ?? LAMBDA_DEFAULTS.batchSize,
    startingPosition,
    reportsItemFailures: mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
    maximumRetryAttempts: mapping.MaximumRetryAttempts ?? LAMBDA_DEFAULTS.maximumRetryAttempts,
    functionArn: mapping.FunctionArn ?? LAMBDA_DEFAULTS.functionArn,
    maximumRecordAgeSeconds: mapping.MaximumRecordAgeInSeconds ?? LAMBDA_DEFAULTS.maximumRecordAgeSeconds,
    bisectOnError: mapping.BisectBatchOnFunctionError ?? LAMBDA_DEFAULTS.bisectOnError,
    onFailureDestination: mapping.DestinationConfig?.OnFailure?.Destination || undefined,
    parallelizationFactor: Math.min(Math.max(factor, 1), MAX_PARALLELIZATION_FACTOR),
    batchingWindowMs: (mapping.MaximumBatchingWindowInSeconds ?? 0) * 1000,
    filterPatterns: (mapping.FilterCriteria?.Filters ?? []).flatMap((filter) => (filter.Pattern ? [filter.Pattern] : [])),
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

import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException as TableNotFoundException, type TableDescription } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient, ResourceNotFoundException as StreamNotFoundException, paginateListStreams } from '@aws-sdk/client-kinesis';
import { sourceKind, type SourceKind } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { AwsSession, ClientScope } from './session.js';

export interface SourceFlags {
  sourceType?: string | undefined;
  source?: string | undefined;
  sourceArn?: string | undefined;
}

const SOURCE_TYPES: readonly SourceKind[] = ['kinesis', 'dynamodb'];
const STREAM_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const SOURCE_ARN_FORMS =
  'a Kinesis stream ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME) or a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)';

async function kinesisStreamArn(context: AwsContext, name: string): Promise<string> {
  if (!STREAM_NAME.test(name)) throw new UsageError(`--source: "${name}" is not a Kinesis stream name (letters, digits, _ . -)`);
  try {
    const { StreamDescriptionSummary } = await context.aws.client(KinesisClient).send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return StreamDescriptionSummary!.StreamARN!;
  } catch (error) {
    if (error instanceof StreamNotFoundException) throw new NotFoundError(`--source: no Kinesis stream "${name}" in ${await context.aws.region()}`);
    throw error;
  }
}

/** A table's stream: the latest one, and only while the table has streams enabled. */
export function tableStreamArn(table: TableDescription): string | undefined {
  return table.StreamSpecification?.StreamEnabled === false ? undefined : table.LatestStreamArn;
}

async function dynamodbStreamArn(context: AwsContext, name: string): Promise<string> {
  if (!TABLE_NAME.test(name)) throw new UsageError(`--source: "${name}" is not a DynamoDB table name (3 to 255 letters, digits, _ . -)`);
  try {
    const { Table } = await context.aws.client(DynamoDBClient).send(new DescribeTableCommand({ TableName: name }));
    const streamArn = Table && tableStreamArn(Table);
    if (!streamArn) throw new UsageError(`--source: table "${name}" has no stream; enable DynamoDB Streams on it (e.g. with NEW_AND_OLD_IMAGES) first`);
    return streamArn;
  } catch (error) {
    if (error instanceof TableNotFoundException) throw new NotFoundError(`--source: no DynamoDB table "${name}" in ${await context.aws.region()}`);
    throw error;
  }
}

/**
 * The stream ARN a command acts on: --source-arn as given (checked for form only, so that a stream
 * in another account can be named), or --source looked up by --source-type: a Kinesis stream's
 * ARN, or a DynamoDB table's latest stream ARN.
 */
export async function resolveSourceArn(context: AwsContext, { sourceType, source, sourceArn }: SourceFlags): Promise<string> {
  if (sourceType !== undefined && !(SOURCE_TYPES as readonly string[]).includes(sourceType)) {
    throw new UsageError(`--source-type: "${sourceType}" is not a source type; expected kinesis or dynamodb`);
  }
  if (sourceArn !== undefined) {
    if (source !== undefined) throw new UsageError('--source-arn: give either --source (with --source-type) or --source-arn, not both');
    const kind = sourceKind(sourceArn);
    if (!kind) throw new UsageError(`--source-arn: "${sourceArn}" is not ${SOURCE_ARN_FORMS}`);
    if (sourceType !== undefined && sourceType !== kind) throw new UsageError(`--source-type: ${sourceType} does not match --source-arn, a ${kind} stream`);
    return sourceArn;
  }
  if (source === undefined) throw new UsageError('--source: required; give --source-type and --source NAME, or --source-arn ARN');
  if (sourceType === undefined) throw new UsageError('--source-type: required with --source; expected kinesis or dynamodb');
  return sourceType === 'kinesis' ? kinesisStreamArn(context, source) : dynamodbStreamArn(context, source);
}

/** Every Kinesis stream of the scope's account and region, by name and ARN. */
export async function listKinesisStreams(aws: AwsSession, scope: ClientScope = {}): Promise<Array<{ name: string; arn: string }>> {
  const streams: Array<{ name: string; arn: string }> = [];
  for await (const page of paginateListStreams({ client: aws.client(KinesisClient, scope) }, {})) {
    for (const { StreamName, StreamARN } of page.StreamSummaries ?? []) streams.push({ name: StreamName!, arn: StreamARN! });
  }
  return streams;
}

import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  ListTagsCommand,
  ResourceNotFoundException,
  UpdateEventSourceMappingCommand,
  paginateListEventSourceMappings,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import { kinesisConsumerOf, streamArnOf } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import type { StreamConsumer } from './consumers.js';
import { retryWhileIamPropagates } from './iam-propagation.js';

export const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const;
export type StartingPosition = (typeof STARTING_POSITIONS)[number];

/** How Lambda reads a source for the function: the hook command's flags, each optional. */
export interface MappingSettings {
  batchSize?: number | undefined;
  startingPosition?: StartingPosition | undefined;
  startingPositionTimestamp?: Date | undefined;
  batchingWindow?: number | undefined;
  parallelizationFactor?: number | undefined;
  maximumRetryAttempts?: number | undefined;
  maximumRecordAge?: number | undefined;
  bisectBatchOnError?: boolean | undefined;
  onFailureDestination?: string | undefined;
}

/** The original fanout CLI's batch size. */
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_STARTING_POSITION = 'TRIM_HORIZON' satisfies StartingPosition;

/** The handler answers with batchItemFailures; without this Lambda would ignore them and retry whole batches. */
const FUNCTION_RESPONSE_TYPES = ['ReportBatchItemFailures' as const];

/** The states a mapping leaves by itself; calls that change it are refused until it has. */
export const TRANSITIONAL_STATES = ['Creating', 'Enabling', 'Disabling', 'Updating'] as const;
export type TransitionalState = (typeof TRANSITIONAL_STATES)[number];
const SETTLE_TIMEOUT_MS = 120_000;
const SETTLE_POLL_MS = 2_000;

/** The settings Lambda can change on an existing mapping (the starting position is fixed at creation). */
function changeableSettings(settings: MappingSettings) {
  return {
    BatchSize: settings.batchSize,
    MaximumBatchingWindowInSeconds: settings.batchingWindow,
    ParallelizationFactor: settings.parallelizationFactor,
    MaximumRetryAttempts: settings.maximumRetryAttempts,
    MaximumRecordAgeInSeconds: settings.maximumRecordAge,
    BisectBatchOnFunctionError: settings.bisectBatchOnError,
    ...(settings.onFailureDestination ? { DestinationConfig: { OnFailure: { Destination: settings.onFailureDestination } } } : {}),
    FunctionResponseTypes: FUNCTION_RESPONSE_TYPES,
  };
}

/**
 * The tag hook puts on a mapping whose Kinesis stream consumer it registered, valued with the
 * consumer's name: unhook and destroy deregister that consumer, and never one that hook found.
 */
export const CREATED_CONSUMER_TAG = 'fanout:created-consumer';

/**
 * The function's event source mappings (those being deleted left out); with `sourceArn`, those
 * reading that stream, directly or through one of its consumers (whose ARN the mapping names).
 */
export async function functionMappings(context: AwsContext, functionName: string, sourceArn?: string): Promise<EventSourceMappingConfiguration[]> {
  const mappings: EventSourceMappingConfiguration[] = [];
  // all of them: Lambda's EventSourceArn filter would leave out the mappings through a consumer
  const pages = paginateListEventSourceMappings({ client: context.aws.client(LambdaClient) }, { FunctionName: functionName });
  try {
    for await (const page of pages) mappings.push(...(page.EventSourceMappings ?? []));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
  return mappings.filter((mapping) => mapping.State !== 'Deleting' && (sourceArn === undefined || mappingStreamArn(mapping) === sourceArn));
}

/** The stream a mapping reads: its EventSourceArn, or the stream of the consumer it names. */
export function mappingStreamArn(mapping: EventSourceMappingConfiguration): string {
  return streamArnOf(mapping.EventSourceArn ?? '');
}

/** The Kinesis stream consumer a mapping reads through (enhanced fan-out), if it does. */
export function mappingConsumer(mapping: EventSourceMappingConfiguration): StreamConsumer | undefined {
  const consumer = kinesisConsumerOf(mapping.EventSourceArn ?? '');
  return consumer && { name: consumer.consumerName, arn: mapping.EventSourceArn! };
}

/** The consumer a mapping reads through when hook registered it for the mapping (see CREATED_CONSUMER_TAG). */
export async function consumerCreatedForMapping(context: AwsContext, mapping: EventSourceMappingConfiguration): Promise<StreamConsumer | undefined> {
  const consumer = mappingConsumer(mapping);
  if (!consumer || !mapping.EventSourceMappingArn) return undefined;
  const { Tags } = await context.aws.client(LambdaClient).send(new ListTagsCommand({ Resource: mapping.EventSourceMappingArn }));
  return Tags?.[CREATED_CONSUMER_TAG] === consumer.name ? consumer : undefined;
}

export async function findMapping(context: AwsContext, functionName: string, sourceArn: string): Promise<EventSourceMappingConfiguration | undefined> {
  return (await functionMappings(context, functionName, sourceArn))[0];
}

/** Waits until the mapping is in a state that accepts changes again, and returns it. */
async function settled(context: AwsContext, uuid: string): Promise<EventSourceMappingConfiguration> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const mapping = await context.aws.client(LambdaClient).send(new GetEventSourceMappingCommand({ UUID: uuid }));
    if (!(TRANSITIONAL_STATES as readonly (string | undefined)[]).includes(mapping.State)) return mapping;
    if (Date.now() > deadline) throw new Error(`event source mapping ${uuid} is still ${mapping.State} after ${SETTLE_TIMEOUT_MS / 1000} s; try again later`);
    await sleep(SETTLE_POLL_MS);
  }
}

export async function createMapping(
  context: AwsContext,
  functionName: string,
  eventSourceArn: string,
  settings: MappingSettings,
  tags?: Record<string, string>,
): Promise<EventSourceMappingConfiguration> {
  const lambda = context.aws.client(LambdaClient);
  const created = await retryWhileIamPropagates(() =>
    lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionName,
        EventSourceArn: eventSourceArn,
        Enabled: true,
        StartingPosition: settings.startingPosition ?? DEFAULT_STARTING_POSITION,
        StartingPositionTimestamp: settings.startingPositionTimestamp,
        ...changeableSettings({ ...settings, batchSize: settings.batchSize ?? DEFAULT_BATCH_SIZE }),
        ...(tags ? { Tags: tags } : {}),
      }),
    ),
  );
  return settled(context, created.UUID!);
}

export async function updateMapping(context: AwsContext, uuid: string, settings: MappingSettings): Promise<EventSourceMappingConfiguration> {
  await settled(context, uuid);
  const lambda = context.aws.client(LambdaClient);
  await retryWhileIamPropagates(() => lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ...changeableSettings(settings) })));
  return settled(context, uuid);
}

export async function setMappingEnabled(context: AwsContext, uuid: string, enabled: boolean): Promise<EventSourceMappingConfiguration> {
  await settled(context, uuid);
  await context.aws.client(LambdaClient).send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }));
  return settled(context, uuid);
}

export async function deleteMapping(context: AwsContext, uuid: string): Promise<void> {
  await settled(context, uuid);
  await context.aws.client(LambdaClient).send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
}

/** A mapping as the console prints it in JSON: the hook command's flag names, stable for scripts; the consumer's when it reads through one. */
export function mappingView(mapping: EventSourceMappingConfiguration) {
  const consumer = mappingConsumer(mapping);
  return {
    uuid: mapping.UUID,
    sourceArn: mappingStreamArn(mapping),
    consumerName: consumer?.name,
    consumerArn: consumer?.arn,
    functionArn: mapping.FunctionArn,
    state: mapping.State,
    batchSize: mapping.BatchSize,
    startingPosition: mapping.StartingPosition,
    startingPositionTimestamp: mapping.StartingPositionTimestamp?.toISOString(),
    batchingWindow: mapping.MaximumBatchingWindowInSeconds,
    parallelizationFactor: mapping.ParallelizationFactor,
    maximumRetryAttempts: mapping.MaximumRetryAttempts,
    maximumRecordAge: mapping.MaximumRecordAgeInSeconds,
    bisectBatchOnError: mapping.BisectBatchOnFunctionError,
    onFailureDestination: mapping.DestinationConfig?.OnFailure?.Destination,
    functionResponseTypes: mapping.FunctionResponseTypes,
  };
}

import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { AwsClients } from '../aws/clients.js';
import { sourceKind } from '../config/schema.js';
import { Fanout, type FanoutSettings } from '../fanout.js';
import type { Http1KinesisClient } from '../targets/kinesis/client.js';
import { FileCheckpoints, MemoryCheckpoints } from './checkpoints.js';
import { dynamodbStreamsReader } from './dynamodb-streams-reader.js';
import { kinesisReader, type StreamAddressing } from './kinesis-reader.js';
import { ShardLags, StatusFile } from './lag.js';
import type { PolledMapping } from './mappings.js';
import { onFailureSender } from './on-failure.js';
import { LocalPoller } from './poller.js';

export interface LocalMode {
  poller: LocalPoller;
  /** Each shard's lag, as the status file has it. */
  lags: ShardLags;
  /** Stops polling and closes the targets' connections. */
  stop(): Promise<void>;
}

export interface PollingOptions {
  settings: FanoutSettings;
  clients: AwsClients;
  mappings(): Promise<PolledMapping[]>;
  /** The client a Kinesis stream is read with. */
  kinesisReaderClient(sourceArn: string): Http1KinesisClient;
  addressingOf?(sourceArn: string): StreamAddressing;
  /** The role Lambda's event records name (the function's). */
  invokeIdentityArn: string;
  /** The region of an on-failure destination that names none. */
  region: string;
  /** Where checkpoints are kept across restarts; in memory only when unset. */
  checkpointsFile?: string | undefined;
  /** Where each shard's lag is written while the run goes on, under whose name (for the console's views). */
  status?: { file: string; name: string } | undefined;
  /** The deadline of each batch: the function's timeout. */
  timeoutMs: number;
  refreshMs?: number | undefined;
}

/** The handler's code path fed by a poller of the mappings' streams, started. */
export async function startPolling(options: PollingOptions): Promise<LocalMode> {
  const { settings, clients } = options;
  const fanout = new Fanout(settings, clients);
  const lags = new ShardLags();
  const status = options.status && new StatusFile(options.status.file, options.status.name, lags);
  const poller = new LocalPoller({
    process: (event, remainingTimeMs) => fanout.process(event, remainingTimeMs),
    mappings: options.mappings,
    readerFor: (sourceArn) =>
      sourceKind(sourceArn) === 'kinesis'
        ? kinesisReader(options.kinesisReaderClient(sourceArn), sourceArn, options.invokeIdentityArn, options.addressingOf?.(sourceArn))
        : dynamodbStreamsReader(clients.get(DynamoDBStreamsClient, { region: sourceArn.split(':')[3]! }), sourceArn),
    checkpoints: options.checkpointsFile ? await FileCheckpoints.open(options.checkpointsFile) : new MemoryCheckpoints(),
    timeoutMs: options.timeoutMs,
    log: settings.log,
    // with the credentials the function's clients have here (the function's role sends in Lambda)
    sendOnFailure: onFailureSender((constructor, destinationRegion) => clients.get(constructor, { region: destinationRegion ?? options.region })),
    lags,
    ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}),
  });
  poller.start();
  await status?.start();
  return {
    poller,
    lags,
    stop: async () => {
      await poller.stop();
      await status?.stop();
      await fanout.close();
    },
  };
}

import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsContext } from '../context.js';

/** A log event as CloudWatch Logs keeps it: when it was taken (ms since the epoch), and the line. */
export interface LogEvent {
  timestamp: number;
  message: string;
}

export interface RecentEventsRequest {
  /** The log streams read: the ones written last (a Lambda function has one per execution environment). */
  streams: number;
  /** The events read from each, its newest. */
  perStream: number;
}

/** The newest events of a log group's most recently written streams, oldest first; none when the group does not exist (yet). */
export async function recentLogEvents(context: AwsContext, logGroupName: string, { streams, perStream }: RecentEventsRequest): Promise<LogEvent[]> {
  const logs = context.aws.client(CloudWatchLogsClient);
  try {
    const { logStreams = [] } = await logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: 'LastEventTime', descending: true, limit: streams }));
    const perStreamEvents = await Promise.all(
      logStreams.map(async ({ logStreamName }) => {
        const { events = [] } = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: false, limit: perStream }));
        return events.map(({ timestamp = 0, message = '' }) => ({ timestamp, message }));
      }),
    );
    // stable: one stream's events keep their order where timestamps are equal
    return perStreamEvents.flat().sort((a, b) => a.timestamp - b.timestamp);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
}

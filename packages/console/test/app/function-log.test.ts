import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LocalStatus } from '@fanout/runtime/config';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { functionLog, localLogWriter, parseLogLine } from '../../src/app/function-log.js';
import { deploymentOf } from '../../src/aws/names.js';
import { localLogFileFor, localStatusFileFor } from '../../src/state-files.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';

const context = appContext();
const logs = new CloudWatchLogsClient(awsClientConfig(aws));
const sourceArn = `arn:aws:kinesis:${aws.regions[0]}:${aws.accounts[0]}:stream/orders`;

/** A line as the runtime writes it. */
const runtimeLine = (message: string, fields: Record<string, unknown> = {}, level = 'info') =>
  JSON.stringify({ time: new Date().toISOString(), level, message, function: 'fanout', ...fields });
/** An embedded-metrics line, as the runtime writes its metrics in Lambda. */
const metricsLine = JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [] }, Function: 'fanout', Source: sourceArn, Target: 'copy', Delivered: 3 });

/** Log streams of the function's group, as Lambda writes them: each its lines, a millisecond apart, from `start`. */
async function lambdaLog(functionName: string, streams: Record<string, string[]>, start = Date.now() - 60_000): Promise<void> {
  const logGroupName = `/aws/lambda/${functionName}`;
  await logs.send(new CreateLogGroupCommand({ logGroupName }));
  let timestamp = start;
  for (const [logStreamName, lines] of Object.entries(streams)) {
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: lines.map((message) => ({ timestamp: (timestamp += 1), message })) }));
  }
}

/** A local poller's status file for the function, as a running one writes it. */
function localStatus(functionName: string, updatedAt = new Date()): void {
  const file = localStatusFileFor(aws.regions[0], functionName);
  mkdirSync(dirname(file), { recursive: true });
  const status: LocalStatus = { fanoutLocalStatus: 1, functionName, updatedAt: updatedAt.toISOString(), shards: [] };
  writeFileSync(file, JSON.stringify(status));
}

describe('functionLog', () => {
  it('reads the function\'s CloudWatch Logs group: the runtime\'s lines and Lambda\'s, newest last, metrics left out; by target', async () => {
    const functionName = uniqueName('log');
    await lambdaLog(functionName, {
      '2026/12/01/[$LATEST]first': ['START RequestId: 1 Version: $LATEST', runtimeLine('2 records retrying: HTTP 503', { sourceArn, target: 'copy', type: 'http', count: 2 }, 'warn'), metricsLine],
      '2026/12/01/[$LATEST]second': [runtimeLine('target could not be served', { sourceArn, target: 'other', type: 'sqs' }, 'error'), 'REPORT RequestId: 2 Duration: 12.3 ms'],
    });
    const deployment = deploymentOf({ function: functionName });

    const all = await functionLog(context, deployment);
    expect(all.place).toEqual({ kind: 'cloudwatch', logGroup: `/aws/lambda/${functionName}` });
    expect(all.lines.map((line) => [line.level, line.message])).toEqual([
      [undefined, 'START RequestId: 1 Version: $LATEST'],
      ['warn', '2 records retrying: HTTP 503'],
      ['error', 'target could not be served'],
      [undefined, 'REPORT RequestId: 2 Duration: 12.3 ms'],
    ]);
    expect(all.lines[1]).toMatchObject({ target: 'copy', sourceArn, fields: { type: 'http', count: 2, function: 'fanout' }, time: expect.stringMatching(/^\d{4}-/) });

    const copy = await functionLog(context, deployment, { target: { id: 'copy', sourceArn } });
    expect(copy.lines.map((line) => line.message)).toEqual(['2 records retrying: HTTP 503']);
    expect((await functionLog(context, deployment, { target: { id: 'copy', sourceArn: `${sourceArn}-other` } })).lines).toEqual([]);
    expect((await functionLog(context, deployment, { limit: 2 })).lines.map((line) => line.message)).toEqual(['target could not be served', 'REPORT RequestId: 2 Duration: 12.3 ms']);
  });

  it('has no lines for a function that has logged nothing yet', async () => {
    const deployment = deploymentOf({ function: uniqueName('silent') });
    expect(await functionLog(context, deployment)).toEqual({ place: { kind: 'cloudwatch', logGroup: `/aws/lambda/${deployment.functionName}` }, lines: [] });
  });

  it('reads the local poller\'s log file while one runs the function here, and CloudWatch Logs once it has stopped', async () => {
    const functionName = uniqueName('local-log');
    const deployment = deploymentOf({ function: functionName });
    const logFile = localLogFileFor(aws.regions[0], functionName);
    const write = localLogWriter(logFile);
    write(runtimeLine('first', { sourceArn, target: 'copy' }));
    write(metricsLine);
    write(runtimeLine('second', { sourceArn, target: 'other' }));
    localStatus(functionName);

    const local = await functionLog(context, deployment);
    expect(local.place).toEqual({ kind: 'local', file: logFile });
    expect(local.lines.map((line) => line.message)).toEqual(['first', 'second']);
    expect((await functionLog(context, deployment, { target: { id: 'other' } })).lines.map((line) => line.message)).toEqual(['second']);

    // a status file not written for a minute: the poller is gone
    localStatus(functionName, new Date(Date.now() - 60_000));
    expect((await functionLog(context, deployment)).place).toEqual({ kind: 'cloudwatch', logGroup: `/aws/lambda/${functionName}` });
  });
});

describe('localLogWriter', () => {
  it('makes the file at once, appends lines, and past 8 MiB starts it again keeping the one before as .1', () => {
    const file = localLogFileFor(aws.regions[0], uniqueName('rotated'));
    const write = localLogWriter(file);
    expect(readFileSync(file, 'utf8')).toBe('');
    const mebibyte = 'x'.repeat(1024 * 1024 - 1);
    for (let line = 0; line < 8; line += 1) write(mebibyte);
    expect(existsSync(`${file}.1`)).toBe(false);
    write('after');
    expect(readFileSync(file, 'utf8')).toBe('after\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe(`${mebibyte}\n`.repeat(8));
  });
});

describe('parseLogLine', () => {
  it('takes the runtime\'s JSON lines apart, keeps other lines whole, and leaves metrics out', () => {
    expect(parseLogLine('{"time":"2026-12-01T10:00:00.000Z","level":"warn","message":"m","target":"t","sourceArn":"s","count":1}')).toEqual({
      time: '2026-12-01T10:00:00.000Z',
      level: 'warn',
      message: 'm',
      target: 't',
      sourceArn: 's',
      fields: { count: 1 },
      text: '{"time":"2026-12-01T10:00:00.000Z","level":"warn","message":"m","target":"t","sourceArn":"s","count":1}',
    });
    expect(parseLogLine('END RequestId: 1\n', Date.UTC(2026, 11, 1))).toMatchObject({ time: '2026-12-01T00:00:00.000Z', level: undefined, message: 'END RequestId: 1' });
    expect(parseLogLine(metricsLine)).toBeUndefined();
  });
});

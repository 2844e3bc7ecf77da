import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { functionConfiguration } from '../aws/deployment.js';
import { recentLogEvents } from '../aws/log-events.js';
import type { Deployment } from '../aws/names.js';
import type { AwsContext } from '../context.js';
import { localRunOf } from './local-run.js';

/** One line of the function's log, as the log pane shows it. */
export interface LogLine {
  /** ISO time: the line's own `time`, else when CloudWatch Logs took it; undefined when neither says. */
  time: string | undefined;
  /** `debug`, `info`, `warn` or `error`; undefined for a line that is not the runtime's (Lambda's `START`, `REPORT`, …). */
  level: string | undefined;
  message: string;
  /** The target the line is about, and its source, as the runtime names them (`target`, `sourceArn`). */
  target: string | undefined;
  sourceArn: string | undefined;
  /** The line's other fields (`count`, `reason`, `error`, …). */
  fields: Record<string, unknown>;
  /** The line as written. */
  text: string;
}

/** Where the function's log is read: its CloudWatch Logs group (Lambda), or the file of the local poller running it here. */
export type LogPlace = { kind: 'cloudwatch'; logGroup: string } | { kind: 'local'; file: string };

export interface FunctionLog {
  place: LogPlace;
  /** Newest last. */
  lines: LogLine[];
}

export interface FunctionLogRequest {
  /** At most this many lines, the newest (default 200). */
  limit?: number;
  /** Only the lines about this target (of this source, when given). */
  target?: { id: string; sourceArn?: string | undefined };
}

export const DEFAULT_LOG_LINES = 200;
/** What is read of CloudWatch Logs at most, a refresh: the newest events of the streams written last. */
const CLOUDWATCH_READ = { streams: 5, perStream: 1_000 };
/** What is read of a local log file at most, a refresh: its end. */
const FILE_TAIL_BYTES = 1024 * 1024;
/** A local log file is started again past this size, the one before kept beside it (`.1`). */
const LOG_FILE_MAX_BYTES = 8 * 1024 * 1024;

/**
 * A line of the runtime's log (JSON: time, level, message and its fields) or of Lambda's own
 * (`START RequestId: …`, plain text); undefined for an embedded-metrics line, which is a metric, not a log line.
 */
export function parseLogLine(text: string, timestamp?: number): LogLine | undefined {
  const taken = timestamp === undefined ? undefined : new Date(timestamp).toISOString();
  const trimmed = text.trimEnd();
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { time: taken, level: undefined, message: trimmed, target: undefined, sourceArn: undefined, fields: {}, text: trimmed };
  }
  const { time, level, message, target, sourceArn, ...fields } = parsed as Record<string, unknown>;
  if ('_aws' in fields) return undefined;
  const stringOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { time: stringOf(time) ?? taken, level: stringOf(level), message: stringOf(message) ?? '', target: stringOf(target), sourceArn: stringOf(sourceArn), fields, text: trimmed };
}

/** The newest `limit` lines, about the target when one is given, newest last. */
function newest(lines: Iterable<LogLine | undefined>, { limit = DEFAULT_LOG_LINES, target }: FunctionLogRequest): LogLine[] {
  const wanted = [...lines].filter(
    (line): line is LogLine => line !== undefined && (!target || (line.target === target.id && (target.sourceArn === undefined || line.sourceArn === target.sourceArn))),
  );
  return wanted.slice(Math.max(0, wanted.length - limit));
}

/**
 * The function's recent log lines, newest last: from the file of the local poller running it here
 * when one runs (`fanout-console local`, the demo), else from its CloudWatch Logs group
 * (`/aws/lambda/FUNCTION`, or the group its logging configuration names). Bounded: the newest 1,000
 * events of the 5 streams written last, or the last MiB of the file; the lines about a target are
 * among those.
 */
export async function functionLog(context: AwsContext, deployment: Deployment, request: FunctionLogRequest = {}): Promise<FunctionLog> {
  const local = await localRunOf(context, deployment);
  if (local) return { place: { kind: 'local', file: local.logFile }, lines: newest((await fileTail(local.logFile)).map((text) => parseLogLine(text)), request) };
  const configuration = await functionConfiguration(context, deployment.functionName);
  const logGroup = configuration?.LoggingConfig?.LogGroup ?? `/aws/lambda/${deployment.functionName}`;
  const events = await recentLogEvents(context, logGroup, CLOUDWATCH_READ);
  return { place: { kind: 'cloudwatch', logGroup }, lines: newest(events.map(({ timestamp, message }) => parseLogLine(message, timestamp)), request) };
}

/** The whole lines of the file's last MiB; none when there is no file yet. */
async function fileTail(file: string): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - FILE_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n');
    // a read from the middle of the file begins inside a line; the last is empty after the final newline
    return lines.slice(start > 0 ? 1 : 0).filter((line) => line.length > 0);
  } finally {
    await handle.close();
  }
}

/**
 * Appends log lines to a local log file, which exists from the start (created empty, its folder
 * too); past 8 MiB the file is moved to `FILE.1` (replacing the one before) and started again.
 */
export function localLogWriter(file: string): (line: string) => void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, '');
  let size = statSync(file).size;
  return (line) => {
    const text = `${line}\n`;
    if (size > 0 && size + Buffer.byteLength(text) > LOG_FILE_MAX_BYTES) {
      renameSync(file, `${file}.1`);
      size = 0;
    }
    appendFileSync(file, text);
    size += Buffer.byteLength(text);
  };
}

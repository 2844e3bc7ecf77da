import { readFileSync } from 'node:fs';
import type { AwsEndpoints } from './servers/moto.js';

export interface MotoRequest {
  method: string;
  /** The URL as received, path and query included. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface RecordedLine {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  body_encoded: boolean;
}

/**
 * Where one recorded request ends and the next begins on the same line. moto writes a request's
 * JSON and its newline in two writes, which concurrent requests interleave: a line can then hold
 * several requests one after the other (and an empty line follows). Inside a request's JSON, `}`
 * is never directly followed by `{`, and a quote within a string is escaped.
 */
const NEXT_REQUEST_ON_THE_LINE = /(?<=\})(?=\{"headers":\s*\{)/;

/** The requests moto received whose URL path (and query) matches, oldest first. */
export function motoRequests(aws: AwsEndpoints, path: RegExp): MotoRequest[] {
  const log = readFileSync(aws.requestLog, 'utf8');
  // moto may be writing the last line right now: read the complete lines only
  return log
    .slice(0, log.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => line.split(NEXT_REQUEST_ON_THE_LINE))
    .map((entry) => JSON.parse(entry) as RecordedLine)
    .filter((entry) => path.test(new URL(entry.url).pathname + new URL(entry.url).search))
    .map((entry) => ({
      method: entry.method,
      url: entry.url,
      headers: entry.headers,
      body: Buffer.from(entry.body ?? '', entry.body_encoded ? 'base64' : 'utf8'),
    }));
}

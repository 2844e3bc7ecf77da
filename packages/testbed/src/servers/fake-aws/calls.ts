import type { IncomingHttpHeaders } from 'node:http';

/** One request the fake answers itself, read once. */
export interface Call {
  body: Buffer;
  /** The request's path, without its query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The answer's request id (its header is set by the server; a body that names it too uses this). */
  requestId: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Keeps one entry's payload, already base64 (see KeptEntry). */
export type Keep = (destination: string, data: string, key?: string) => void;

export interface Handled {
  entries: number;
  reply: Reply;
}

/** Answers a call; `keep` is absent unless the fake keeps payloads, so that counting only costs nothing more. */
export type Handler = (call: Call, keep: Keep | undefined) => Handled;

export const JSON_1_0 = 'application/x-amz-json-1.0';
export const JSON_1_1 = 'application/x-amz-json-1.1';

export function parseJson<T>(body: Buffer): T {
  return JSON.parse(body.toString('utf8')) as T;
}

export function utf8Base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

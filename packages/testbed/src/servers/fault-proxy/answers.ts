import { randomUUID } from 'node:crypto';
import type { ApiError, Protocol } from './apis.js';

/** A complete HTTP answer the proxy gives instead of the upstream's. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const INJECTED = ' (injected by the fault proxy)';

/** The error as the API's protocol puts it on the wire; `note` follows its message (and an HTTP error's text). */
export function errorAnswer(protocol: Protocol, error: ApiError, note = INJECTED): Answer {
  const requestId = randomUUID();
  const message = `${error.message}${note}`;
  const fault = error.status < 500 ? 'Sender' : 'Receiver';
  switch (protocol) {
    case 'json-query-compatible':
      return json(error.status, 'application/x-amz-json-1.0', { __type: error.type ?? error.code, message }, {
        'x-amzn-requestid': requestId,
        'x-amzn-query-error': `${error.code};${fault}`,
      });
    case 'json':
      return json(error.status, 'application/x-amz-json-1.1', { __type: error.type ?? error.code, message }, {
        'x-amzn-requestid': requestId,
      });
    case 'rest-json':
      return json(error.status, 'application/json', { Type: fault === 'Sender' ? 'User' : 'Service', message }, {
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': error.code,
      });
    case 'query':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${fault}</Type>` +
          `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'opensearch': {
      const cause = { type: error.code, reason: message };
      return json(error.status, 'application/json; charset=UTF-8', { error: { root_cause: [cause], ...cause }, status: error.status });
    }
    case 'http':
      return json(error.status, 'application/json', { status: error.status, error: `${error.code}${note}` });
  }
}

export function json(status: number, contentType: string, value: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'content-type': contentType, ...headers }, body: JSON.stringify(value) };
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

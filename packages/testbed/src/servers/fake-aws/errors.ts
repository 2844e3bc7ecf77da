import type { IncomingHttpHeaders } from 'node:http';
import { TARGET_APIS, TARGET_OPERATIONS, isTargetOperation, type Protocol } from '../fault-proxy/apis.js';
import { errorAnswer } from '../fault-proxy/answers.js';
import type { Reply } from './calls.js';

/** The errors the fake answers itself, each worded as the request's protocol words errors. */

const NOTE = ' (fake AWS endpoint)';
const BAD_REQUEST = 400;

/** A target's protocol is known; any other request's is read from how it came. */
function protocolOf(operation: string, headers: IncomingHttpHeaders): Protocol {
  if (isTargetOperation(operation)) return TARGET_APIS[TARGET_OPERATIONS[operation]].protocol;
  const contentType = String(headers['content-type'] ?? '');
  if (contentType.startsWith('application/x-amz-json')) return headers['x-amzn-query-mode'] === 'true' ? 'json-query-compatible' : 'json';
  if (contentType.startsWith('application/x-www-form-urlencoded')) return 'query';
  return headers.authorization === undefined ? 'http' : 'rest-json';
}

/** A request that is not a target write, with no upstream to pass it to. */
export function unknownOperation(operation: string, headers: IncomingHttpHeaders): Reply {
  const message = `${operation} is not a target write, and there is no upstream to pass it to`;
  return errorAnswer(protocolOf(operation, headers), { code: 'UnknownOperationException', status: BAD_REQUEST, message }, NOTE);
}

/** A target write the fake could not read. */
export function invalidRequest(operation: string, headers: IncomingHttpHeaders, error: unknown): Reply {
  const message = `${operation}: ${error instanceof Error ? error.message : String(error)}`;
  return errorAnswer(protocolOf(operation, headers), { code: 'ValidationException', status: BAD_REQUEST, message }, NOTE);
}

import { TARGET_TYPE_NAMES, type TargetTypeName } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { lookupFor, parseStored } from './lookup.js';
import { CONSOLE_TARGET_TYPES } from './registry.js';
import type { DestinationRequest } from './types.js';

/**
 * The destination string a target row stores for what the user typed: a name is looked up and
 * resolved; an ARN, URL or endpoint is kept once AWS confirms it exists (where an API can tell).
 * The result always passes the runtime's own check of the row.
 */
export async function resolveDestination(context: AwsContext, request: DestinationRequest): Promise<string> {
  const destination = await CONSOLE_TARGET_TYPES[request.type].resolve(lookupFor(context, request));
  parseStored(request.type, destination);
  return destination;
}

/** What --destination takes for a type, as the fix of a message. */
export function destinationHelp(type: TargetTypeName): string {
  return `pass ${CONSOLE_TARGET_TYPES[type].destinationHelp}`;
}

/** The types whose destination takes a part beside it, for --index's help: "es". */
export const TYPES_WITH_INDEX = TARGET_TYPE_NAMES.filter((type) => CONSOLE_TARGET_TYPES[type].destinationPart?.apart);

/** The services, as the console's description lists them: SNS, SQS, OpenSearch, … */
export const TARGET_TITLES = TARGET_TYPE_NAMES.map((type) => CONSOLE_TARGET_TYPES[type].title);

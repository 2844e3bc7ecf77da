import { TARGET_TYPES, type TargetTypeName } from '@fanout/runtime/config';
import type { ClientScope } from '../aws/session.js';
import type { AwsContext } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import type { DestinationChoice, DestinationPlace, DestinationRequest, ErrorClass, Lookup, Missing } from './types.js';

/** The client scope of a place: its region (else `fallbackRegion`, else the session's) and the role's credentials. */
export function destinationScope(context: AwsContext, place: DestinationPlace): (fallbackRegion?: string) => ClientScope {
  const credentials = place.role ? context.aws.assumedRole(place.role, place.externalId) : undefined;
  return (fallbackRegion) => ({ region: place.region ?? fallbackRegion, credentials });
}

export function lookupFor(context: AwsContext, request: DestinationRequest): Lookup {
  const notFound = async ({ resource, scope, fix }: Missing): Promise<never> => {
    const region = scope.region ?? (await context.aws.region());
    const account = request.role ? accountOfArn(request.role) : await context.aws.accountId();
    throw new NotFoundError(`--destination: no ${resource} in ${region} (account ${account}); ${fix}`);
  };
  const storedForm = <Parsed>(otherForm?: string): Parsed => parseStored<Parsed>(request.type, request.destination, otherForm);
  return {
    destination: request.destination,
    index: request.index,
    aws: context.aws,
    scope: destinationScope(context, request),
    require: async (call, notFoundError, missing) => (await ifExists(call, notFoundError)) ?? notFound(missing),
    notFound,
    storedForm,
    nameOrStored: <Parsed>(name: { pattern: RegExp; description: string }) =>
      name.pattern.test(request.destination) ? { name: request.destination } : { stored: storedForm<Parsed>(name.description) },
  };
}

/** The runtime's parse of a destination as stored; a UsageError with the runtime's reason and expected form when it does not parse. */
export function parseStored<Parsed>(type: TargetTypeName, raw: string, otherForm?: string): Parsed {
  const target = TARGET_TYPES[type];
  try {
    return target.parseDestination(raw) as Parsed;
  } catch (error) {
    const expected = otherForm ? `${otherForm}, or ${target.destinationFormat}` : target.destinationFormat;
    throw new UsageError(`--destination: ${(error as Error).message}; expected ${expected}`);
  }
}

/** The call's result, or undefined when it fails because the resource does not exist. */
export async function ifExists<Result>(call: Promise<Result>, notFound: ErrorClass): Promise<Result | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof notFound) return undefined;
    throw error;
  }
}

export function isArn(raw: string): boolean {
  return raw.startsWith('arn:');
}

export function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** How a message names a resource the user gave by name or by ARN. */
export function named(raw: string): string {
  return isArn(raw) ? raw : `named "${raw}"`;
}

export function fixFor(raw: string): string {
  return isArn(raw) ? 'create it or check the ARN' : 'create it or pass its ARN';
}

/** Every choice of every page. */
export async function fromPages<Page>(pages: AsyncIterable<Page>, choicesOf: (page: Page) => DestinationChoice[]): Promise<DestinationChoice[]> {
  const choices: DestinationChoice[] = [];
  for await (const page of pages) choices.push(...choicesOf(page));
  return choices;
}

import type { TargetConfig, TargetTypeName } from '@fanout/runtime/config';
import type { AwsSession, ClientScope } from '../aws/session.js';
import type { AwsContext } from '../context.js';

/** Where destinations are looked for, when not in the caller's own account and region. */
export interface DestinationPlace {
  /** --destination-region. */
  region?: string | undefined;
  /** --destination-role-arn: destinations are looked up with this role's credentials. */
  role?: string | undefined;
  /** --external-id, for assuming `role`. */
  externalId?: string | undefined;
}

export interface DestinationRequest extends DestinationPlace {
  type: TargetTypeName;
  /** What the user typed for --destination: a name to look up, or the destination as stored. */
  destination: string;
  /** --index: the part of the destination a type takes beside it (see DestinationPart). */
  index?: string | undefined;
}

/** What was not found, where it was looked for, and what the user can do. */
export interface Missing {
  resource: string;
  scope: ClientScope;
  fix: string;
}

export type ErrorClass = abstract new (...args: never[]) => Error;

/** What a type's resolver gets: the request, AWS as the destination's account sees it, and the checks every resolver makes. */
export interface Lookup {
  destination: string;
  index: string | undefined;
  aws: AwsSession;
  /**
   * Where the destination is: --destination-region, else the region the destination names itself,
   * else the session's (the order delivery uses); as the role when one is given.
   */
  scope(regionOfDestination?: string): ClientScope;
  /** The call's result; when the resource does not exist, the UsageError of `notFound`. */
  require<Result>(call: Promise<Result>, notFoundError: ErrorClass, missing: Missing): Promise<Result>;
  /** Throws the UsageError for a resource that does not exist, saying where it was looked for. */
  notFound(missing: Missing): Promise<never>;
  /** The runtime's parse of the destination as stored; a UsageError with the runtime's reason and expected form (or `otherForm`) when it does not parse. */
  storedForm<Parsed>(otherForm?: string): Parsed;
  /** A name to look up when the destination is one, else the destination as stored. */
  nameOrStored<Parsed>(name: { pattern: RegExp; description: string }): { name: string } | { stored: Parsed };
}

/** A resource a target can deliver to, as the wizard lists it. */
export interface DestinationChoice {
  /** What to show: the resource's name. */
  label: string;
  /** What registerTarget (and --destination) takes as the destination. */
  value: string;
}

/** A piece of the destination the wizard asks after it, unless the destination names it after # already. */
export interface DestinationPart {
  /** As the wizard asks it: index, topic. */
  readonly name: string;
  /** Whether it goes beside the destination (es's --index) rather than after # in it (iot's topic). */
  readonly apart: boolean;
}

/** One IAM statement of the function's policy: the grants of one kind, merged. */
export interface GrantStatement {
  readonly sid: string;
  readonly actions: readonly string[];
}

/** One right the function's role needs: a statement's actions on one resource. */
export interface Grant {
  readonly statement: GrantStatement;
  readonly resource: string;
}

/** Where the function runs and the target is, to name the resource of its grant. */
export interface GrantPlace {
  readonly partition: string;
  readonly accountId: string;
  /** The target's region, else the function's. */
  readonly region: string;
  /** What the type's lookUp found, by its own key (es: a domain's ARN by the host of an endpoint that does not name it). */
  readonly found: ReadonlyMap<string, string>;
}

/** The right to send that an AWS type's targets need on their destinations. */
export interface TargetGrant {
  /** Every statement `grantOf` gives, in the order the policy lists them. */
  readonly statements: readonly GrantStatement[];
  /** The send right a target without a role needs (one with a role assumes it instead); none when its destination checks no IAM signature. */
  grantOf(target: TargetConfig, place: GrantPlace): Grant | undefined;
  /** What grantOf needs to look up in AWS first, for the type's targets without a role, in the function's region unless a target names its own. */
  lookUp?(context: AwsContext, targets: readonly TargetConfig[], functionRegion: string): Promise<ReadonlyMap<string, string>>;
}

interface ConsoleTargetTypeBasics {
  /** The service as people name it: SNS, OpenSearch. */
  readonly title: string;
  /** What --destination takes, after "pass": a topic name or ARN. */
  readonly destinationHelp: string;
  readonly destinationPart?: DestinationPart;
  /**
   * The destination string a row stores for what the user typed: a name is looked up and resolved;
   * an ARN, URL or endpoint is kept once AWS confirms it exists (where an API can tell).
   */
  resolve(lookup: Lookup): Promise<string>;
  /** Its resources in a place, every page of them, for the wizard to list; none for a type with nothing to list. */
  discover(aws: AwsSession, scope: ClientScope): Promise<DestinationChoice[]>;
}

/** What the console knows of a kind of target. An AWS type (its runtime module's `aws: true`) has a grant; the others have none. */
export type ConsoleTargetType<Aws extends boolean = boolean> = ConsoleTargetTypeBasics &
  (Aws extends true ? { readonly grant: TargetGrant } : { readonly grant?: never });

/** The console's registry for the runtime's registry of modules: one entry per type, with a grant where the type is an AWS API. */
export type ConsoleTargetTypes<Modules extends { readonly [Name in keyof Modules]: { readonly aws: boolean } }> = {
  readonly [Name in keyof Modules]: ConsoleTargetType<Modules[Name]['aws']>;
};

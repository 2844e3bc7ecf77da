/**
 * What a target's encoding, its sender and its delivery read of its row: the options the row sets
 * for them. The row's schema (config/schema.ts) builds on these; targets and delivery know no more
 * of a row than this, so that they do not depend on the schema that lists them.
 */

export const COLLAPSE_MODES = ['none', 'JSON', 'concat', 'concat-b64'] as const;
export type CollapseMode = (typeof COLLAPSE_MODES)[number];

/** Row fields that only some kinds of target take. */
export type TypeSpecificField = 'authorizationEnv';

export interface TargetOptions {
  /** How records become messages, for the types where it applies (the row's default is JSON there). */
  readonly collapse?: CollapseMode | undefined;
  /** Whether its batches go concurrently; false sends them in record order, stopping at the first that fails. */
  readonly parallel: boolean;
  /** The function's environment variable holding an http target's Authorization header. */
  readonly authorizationEnv?: string | undefined;
}

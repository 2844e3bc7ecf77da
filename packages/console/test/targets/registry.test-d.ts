/**
 * Compile-time checks of the console's registry of target types, made by `pnpm typecheck` (this is
 * no vitest file): each line under a `@ts-expect-error` must stay an error, else typecheck fails.
 */
import type { TargetTypeModules } from '@fanout/runtime/config';
import { CONSOLE_TARGET_TYPES } from '../../src/targets/registry.js';
import type { ConsoleTargetType, ConsoleTargetTypes, TargetGrant } from '../../src/targets/types.js';

/** The runtime's registry with a made-up type, as its module and registry line would make it. */
type WithQueue2<Aws extends boolean> = TargetTypeModules & { readonly queue2: { readonly aws: Aws } };

const queue2 = { title: 'Queue 2', destinationHelp: 'a queue name', resolve: async () => 'queue', discover: async () => [] };
const grant: TargetGrant = { statements: [], grantOf: () => undefined };

/** An AWS type with its module and its grant. */
export const complete: ConsoleTargetTypes<WithQueue2<true>> = { ...CONSOLE_TARGET_TYPES, queue2: { ...queue2, grant } };

export const withoutGrant: ConsoleTargetTypes<WithQueue2<true>> = {
  ...CONSOLE_TARGET_TYPES,
  // @ts-expect-error -- an AWS type without its grant: the function would never be allowed to send to it
  queue2,
};

// @ts-expect-error -- a type of the runtime without its console module
export const withoutModule: ConsoleTargetTypes<WithQueue2<true>> = { ...CONSOLE_TARGET_TYPES };

/** A type that is no AWS API (redis, http) has no grant... */
export const notAws: ConsoleTargetTypes<WithQueue2<false>> = { ...CONSOLE_TARGET_TYPES, queue2 };

export const notAwsWithGrant: ConsoleTargetTypes<WithQueue2<false>> = {
  ...CONSOLE_TARGET_TYPES,
  // @ts-expect-error -- ...and may be given none: nothing would check it
  queue2: { ...queue2, grant },
};

// the runtime's own modules say which types are AWS APIs, as literals the registry is typed from
// @ts-expect-error -- sns is one: its console module needs a grant
export const snsWithoutGrant: ConsoleTargetType<TargetTypeModules['sns']['aws']> = queue2;
export const redisWithoutGrant: ConsoleTargetType<TargetTypeModules['redis']['aws']> = queue2;

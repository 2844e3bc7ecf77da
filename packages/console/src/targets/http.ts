import type { ConsoleTargetType } from './types.js';

/** Nothing to look up or list: the URL is checked by the runtime's parse, like every type's destination. */
export const httpTarget: ConsoleTargetType<false> = {
  title: 'HTTP',
  destinationHelp: 'an http:// or https:// URL',
  resolve: async (lookup) => lookup.destination,
  discover: async () => [],
};

import type { TargetTypeName } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { destinationScope } from '../targets/lookup.js';
import { CONSOLE_TARGET_TYPES } from '../targets/registry.js';
import type { DestinationChoice, DestinationPart, DestinationPlace } from '../targets/types.js';

export type { DestinationChoice, DestinationPart, DestinationPlace, DestinationRequest } from '../targets/types.js';

/**
 * The resources a target of `type` can deliver to, in the place given (else the session's account
 * and region), every page of them, sorted by label: what each type lists (and what its value is)
 * is in its module under targets/.
 */
export async function discoverDestinations(context: AwsContext, type: TargetTypeName, place: DestinationPlace = {}): Promise<DestinationChoice[]> {
  const choices = await CONSOLE_TARGET_TYPES[type].discover(context.aws, destinationScope(context, place)());
  return choices.sort((a, b) => a.label.localeCompare(b.label) || a.value.localeCompare(b.value));
}

/** What a target of `type` asks after its destination (es: the index, iot: the topic), if anything. */
export function destinationPartOf(type: TargetTypeName): DestinationPart | undefined {
  return CONSOLE_TARGET_TYPES[type].destinationPart;
}

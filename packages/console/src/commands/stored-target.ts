import type { TargetConfig } from '@fanout/runtime/config';
import { UsageError } from '../errors.js';
import type { TargetScope } from './target-rows.js';

/** The stored, valid row of a target; an invalid one must be fixed by update of its broken field or unregistered. */
export async function storedTarget(scope: TargetScope, id: string): Promise<TargetConfig> {
  const stored = await scope.table.get(scope.sourceArn, id);
  if (!stored.target) throw new UsageError(`--id: the stored row of target "${id}" is invalid (${stored.problems.join('; ')}); unregister it and register it again`);
  return stored.target;
}

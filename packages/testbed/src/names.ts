import { randomUUID } from 'node:crypto';

/** A resource name no other test (or test file running in parallel) will use. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

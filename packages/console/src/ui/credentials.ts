import { describeAwsError } from '../errors.js';

/**
 * Whether an error means that no AWS credentials were found: the app then says how to provide
 * them instead of its screens. The one place that recognises it.
 */
export function isMissingCredentials(error: unknown): boolean {
  return describeAwsError(error).startsWith('no AWS credentials found');
}

/** Bad input: one line naming the flag and the expected form; exit code 2, nothing changed. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_AWS_ERROR = 1;
export const EXIT_USAGE = 2;

const CREDENTIALS_HELP =
  'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws sso login`, or pass --profile';

/** An AWS error in plain words, as one line. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(error.message)) return CREDENTIALS_HELP;
  if (/Region is missing/i.test(error.message)) return 'no AWS region: pass --region or set AWS_REGION (or a region in your profile)';
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/.test(name)) return `access denied: ${error.message}`;
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') return `your AWS session has expired: ${error.message}`;
  if ('code' in error && error.code === 'ECONNREFUSED') return `cannot reach the AWS endpoint: ${error.message}`;
  return `${name}: ${error.message}`;
}

/** What went wrong, as one line: bad input as it was said, an AWS error in plain words. */
export function describeError(error: unknown): string {
  return error instanceof UsageError ? error.message : describeAwsError(error);
}

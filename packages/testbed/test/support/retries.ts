import type { SQSClientConfig } from '@aws-sdk/client-sqs';

/** Every client's config takes the same kind of strategy (@smithy/types' RetryStrategyV2). */
export type RetryStrategy = NonNullable<SQSClientConfig['retryStrategy']>;

/** How the SDK's retry strategy classes an error: THROTTLING and TRANSIENT are retried, the others not. */
export type RetryErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 0 });

/**
 * A retry strategy (the SDK's RetryStrategyV2) that writes down how the SDK classed each error it
 * was given (the SDK's own getRetryErrorType, as its standard strategy gets it) and retries at once,
 * up to `maxAttempts` in all: a test sees what the SDK makes of an answer without waiting for backoff.
 */
export function recordingRetries(maxAttempts = 1): { retryStrategy: RetryStrategy; errorTypes: RetryErrorType[] } {
  const errorTypes: RetryErrorType[] = [];
  const retryStrategy: RetryStrategy = {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (current: RetryToken, info: { errorType: RetryErrorType; error?: unknown }) => {
      errorTypes.push(info.errorType);
      if (current.getRetryCount() + 1 >= maxAttempts) throw info.error;
      return token(current.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
  return { retryStrategy, errorTypes };
}

/**
 * The target APIs the fault proxy can fault, each with its wire protocol and its errors as that API
 * sends them. The error names are the ones the SDK's deserializers map to its exceptions (and its
 * retry strategy to THROTTLING or TRANSIENT): see each client's dist-cjs error schemas.
 */

/** How an API puts an error on the wire. */
export type Protocol =
  /** AWS JSON 1.0 in query-compatible mode (SQS): `__type`, and the query error code in `x-amzn-query-error`. */
  | 'json-query-compatible'
  /** AWS JSON 1.1 (Kinesis, Firehose): `__type` in the body. */
  | 'json'
  /** AWS Query (SNS): an XML `ErrorResponse`. */
  | 'query'
  /** REST JSON (Lambda, IoT data): the code in `x-amzn-ErrorType`. */
  | 'rest-json'
  /** OpenSearch: `{ error: { type, reason }, status }`. */
  | 'opensearch'
  /** Any HTTP server (the HTTP sink): the status is the answer. */
  | 'http';

export interface ApiError {
  /** The error's code: what the SDK names the exception. */
  code: string;
  status: number;
  /** The body's `__type`, where it is not the code itself (SQS's namespaced types). */
  type?: string;
  message: string;
}

export type ApiName = 'sqs' | 'sns' | 'kinesis' | 'firehose' | 'lambda' | 'iot' | 'opensearch' | 'http';

export interface TargetApi {
  protocol: Protocol;
  error500: ApiError;
  error503: ApiError;
  /** The API's throttling errors; a throttle fault answers the first unless the plan names another. */
  throttles: readonly [ApiError, ...ApiError[]];
}

/** What an error says unless the API words it otherwise, by status. */
const MESSAGES: Record<number, string> = { 400: 'Rate exceeded', 429: 'Rate exceeded', 500: 'Internal failure', 503: 'Service unavailable' };

function apiError(status: number, code: string, options: { type?: string; message?: string } = {}): ApiError {
  return { code, status, message: options.message ?? MESSAGES[status] ?? code, ...(options.type ? { type: options.type } : {}) };
}

export const TARGET_APIS: Record<ApiName, TargetApi> = {
  sqs: {
    protocol: 'json-query-compatible',
    error500: apiError(500, 'InternalFailure', { type: 'com.amazon.coral.service#InternalFailure' }),
    error503: apiError(503, 'ServiceUnavailable', { type: 'com.amazon.coral.availability#ServiceUnavailable' }),
    throttles: [
      // SQS's own: the SDK finds the exception by its query error code, RequestThrottled
      // (not AWS.SimpleQueueService.RequestThrottled, which it would take for an unknown client error)
      apiError(400, 'RequestThrottled', { type: 'com.amazonaws.sqs#RequestThrottled' }),
      // the common AWS one, as SQS JSON sends it for API rate limits
      apiError(400, 'ThrottlingException', { type: 'com.amazon.coral.availability#ThrottlingException' }),
    ],
  },
  sns: {
    protocol: 'query',
    error500: apiError(500, 'InternalError'),
    error503: apiError(503, 'ServiceUnavailable'),
    // the common AWS Query one, and SNS's modelled ThrottledException
    throttles: [apiError(400, 'Throttling'), apiError(429, 'Throttled')],
  },
  kinesis: {
    protocol: 'json',
    error500: apiError(500, 'InternalFailureException'),
    error503: apiError(503, 'ServiceUnavailable'),
    throttles: [
      apiError(400, 'ProvisionedThroughputExceededException', { message: 'Rate exceeded for shard shardId-000000000000' }),
      apiError(400, 'ThrottlingException'),
      apiError(400, 'LimitExceededException'),
    ],
  },
  firehose: {
    protocol: 'json',
    error500: apiError(500, 'InternalFailure'),
    error503: apiError(503, 'ServiceUnavailableException'),
    // how Firehose says a delivery stream is over its limits: the SDK sees a 503 (TRANSIENT), not THROTTLING
    throttles: [apiError(503, 'ServiceUnavailableException', { message: 'Slow down.' }), apiError(400, 'ThrottlingException')],
  },
  lambda: {
    protocol: 'rest-json',
    error500: apiError(500, 'ServiceException'),
    error503: apiError(503, 'ServiceUnavailable'),
    throttles: [apiError(429, 'TooManyRequestsException', { message: 'Rate Exceeded.' })],
  },
  iot: {
    protocol: 'rest-json',
    error500: apiError(500, 'InternalFailureException'),
    error503: apiError(503, 'ServiceUnavailableException'),
    throttles: [apiError(429, 'ThrottlingException')],
  },
  opensearch: {
    protocol: 'opensearch',
    error500: apiError(500, 'exception'),
    error503: apiError(503, 'cluster_block_exception', { message: 'blocked by: [SERVICE_UNAVAILABLE/2/no master]' }),
    throttles: [apiError(429, 'es_rejected_execution_exception', { message: 'rejected execution of coordinating operation' })],
  },
  http: {
    protocol: 'http',
    error500: apiError(500, 'Internal Server Error'),
    error503: apiError(503, 'Service Unavailable'),
    throttles: [apiError(429, 'Too Many Requests')],
  },
};

/**
 * The operations that write to a target: the only ones the proxy ever faults. Every other request
 * (GetRecords, GetShardIterator, DescribeStream*, ListShards, DynamoDB, CloudWatch, STS...) passes
 * untouched. `http` is any request to a server that is not AWS (the HTTP sink).
 */
export const TARGET_OPERATIONS = {
  'sqs.SendMessage': 'sqs',
  'sqs.SendMessageBatch': 'sqs',
  'sns.Publish': 'sns',
  'sns.PublishBatch': 'sns',
  'kinesis.PutRecord': 'kinesis',
  'kinesis.PutRecords': 'kinesis',
  'firehose.PutRecord': 'firehose',
  'firehose.PutRecordBatch': 'firehose',
  'lambda.Invoke': 'lambda',
  'iot.Publish': 'iot',
  'opensearch.Bulk': 'opensearch',
  http: 'http',
} as const satisfies Record<string, ApiName>;

export type TargetOperation = keyof typeof TARGET_OPERATIONS;

export function isTargetOperation(operation: string): operation is TargetOperation {
  return Object.hasOwn(TARGET_OPERATIONS, operation);
}

/** What a partially failed entry says, per batch API (a code the caller retries). */
export const ENTRY_FAILURES = {
  sqs: { Code: 'InternalError', Message: 'Internal error (injected by the fault proxy)' },
  sns: { Code: 'InternalError', Message: 'Internal error (injected by the fault proxy)' },
  kinesis: { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard (injected by the fault proxy)' },
  firehose: { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down. (injected by the fault proxy)' },
  opensearch: {
    status: 429,
    error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation (injected by the fault proxy)' },
  },
} as const;

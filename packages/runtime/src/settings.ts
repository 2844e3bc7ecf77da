import { DEFAULT_CONFIG_TTL_SECONDS, DEFAULT_METRICS_NAMESPACE, ENVIRONMENT, METRICS_OUTPUTS, targetsTableNameFor, type MetricsOutput } from './config/contracts.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY_POLICY } from './delivery/retry.js';
import type { FanoutSettings } from './fanout.js';
import { createLogger, parseLogLevel, writeStdoutLine } from './log/logger.js';

export const DEFAULT_TARGET_CONCURRENCY = 8;
export const DEFAULT_RESERVE_MS = 1_000;

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number of 0 or more, got "${raw}"`);
  return value;
}

/** Lambda says where code runs in AWS_EXECUTION_ENV (`AWS_Lambda_nodejs24.x`): there metrics are log lines, elsewhere PutMetricData. */
function metricsOutput(env: NodeJS.ProcessEnv): MetricsOutput {
  const raw = env[ENVIRONMENT.metricsOutput];
  if (raw === undefined || raw === '') return env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda_') ? 'emf' : 'api';
  if (!(METRICS_OUTPUTS as readonly string[]).includes(raw)) throw new Error(`${ENVIRONMENT.metricsOutput}: expected ${METRICS_OUTPUTS.join(' or ')}, got "${raw}"`);
  return raw as MetricsOutput;
}

/**
 * The function's settings, from its environment:
 * TARGETS_TABLE (default `<AWS_LAMBDA_FUNCTION_NAME>Targets`), PROGRESS_TABLE and FAILURE_STORE
 * (per-target progress and the default failure store: none unless set), CONFIG_TTL_SECONDS (60),
 * METRICS_NAMESPACE (Custom/FanOut), METRICS_OUTPUT (emf in Lambda, else api), TARGET_CONCURRENCY (8), RETRY_MAX_ATTEMPTS (8), REQUEST_TIMEOUT_MS (10000), LOG_LEVEL (info).
 * Log lines go to stdout, as Lambda wants them, unless `writeLog` takes them.
 */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env, writeLog?: (line: string) => void): FanoutSettings {
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME ?? 'fanout';
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION: not set; set it to the region of the targets table (Lambda sets it)');
  const write = writeLog ?? writeStdoutLine;
  return {
    tableName: env[ENVIRONMENT.targetsTable] || targetsTableNameFor(functionName),
    progressTableName: env[ENVIRONMENT.progressTable] || undefined,
    failureStore: env[ENVIRONMENT.failureStore] || undefined,
    functionName,
    region,
    configTtlMs: positiveNumber(env, ENVIRONMENT.configTtlSeconds, DEFAULT_CONFIG_TTL_SECONDS) * 1000,
    metricsNamespace: env[ENVIRONMENT.metricsNamespace] || DEFAULT_METRICS_NAMESPACE,
    metricsOutput: metricsOutput(env),
    writeLine: write,
    targetConcurrency: Math.max(1, positiveNumber(env, 'TARGET_CONCURRENCY', DEFAULT_TARGET_CONCURRENCY)),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: Math.max(1, positiveNumber(env, ENVIRONMENT.retryMaxAttempts, DEFAULT_RETRY_POLICY.maxAttempts)),
      requestTimeoutMs: Math.max(1, positiveNumber(env, ENVIRONMENT.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS)),
    },
    reserveMs: DEFAULT_RESERVE_MS,
    log: createLogger({ level: parseLogLevel(env.LOG_LEVEL), fields: { function: functionName }, write }),
  };
}

import type { TargetTypeName } from '../../src/targets/registry.js';
import type { Baseline } from './shared.js';

/** One baseline per target type, each loaded alone, as only a target type's own client loads in the function. */
export const BASELINES: { readonly [Name in TargetTypeName]: () => Promise<Baseline> } = {
  sqs: async () => (await import('./sqs.js')).baseline,
  sns: async () => (await import('./sns.js')).baseline,
  kinesis: async () => (await import('./kinesis.js')).baseline,
  firehose: async () => (await import('./firehose.js')).baseline,
  lambda: async () => (await import('./lambda.js')).baseline,
  iot: async () => (await import('./iot.js')).baseline,
  es: async () => (await import('./es.js')).baseline,
  http: async () => (await import('./http.js')).baseline,
  redis: async () => (await import('./redis.js')).baseline,
  memcached: async () => (await import('./memcached.js')).baseline,
};

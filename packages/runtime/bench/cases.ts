import type { TargetRowInput } from '../src/config/schema.js';
import { COLLAPSE_MODES, type CollapseMode } from '../src/targets/options.js';
import type { TargetTypeName } from '../src/targets/registry.js';
import { BENCH_ACCOUNT, BENCH_REGION, sourceArnOf } from './workload.js';

/** Where the bench's targets are: the fake AWS endpoint for every API, and real Redis and memcached servers. */
export interface BenchDestinations {
  aws: string;
  queueUrl: string;
  topicArn: string;
  streamName: string;
  deliveryStreamName: string;
  functionName: string;
  iotTopic: string;
  esIndex: string;
  httpUrl: string;
  redisUrl: string;
  memcachedServers: string;
}

export function benchDestinations(aws: string, redis: string, memcached: string): BenchDestinations {
  return {
    aws,
    queueUrl: `${aws}/${BENCH_ACCOUNT}/bench-queue`,
    topicArn: `arn:aws:sns:${BENCH_REGION}:${BENCH_ACCOUNT}:bench-topic`,
    streamName: 'bench-out',
    deliveryStreamName: 'bench-delivery',
    functionName: 'bench-function',
    iotTopic: 'bench/records',
    esIndex: 'bench-index',
    httpUrl: `${aws}/bench-sink`,
    redisUrl: `redis://${redis}`,
    memcachedServers: memcached,
  };
}

/** One target type in one collapse mode: a target of its own, on a source of its own. */
export interface BenchCase {
  name: string;
  type: TargetTypeName;
  collapse: CollapseMode;
}

const COLLAPSIBLE: readonly TargetTypeName[] = ['sqs', 'sns', 'iot', 'http'];
const SINGLE_MODE: readonly TargetTypeName[] = ['kinesis', 'firehose', 'lambda', 'es', 'redis', 'memcached'];

export const BENCH_CASES: readonly BenchCase[] = [
  ...COLLAPSIBLE.flatMap((type) => COLLAPSE_MODES.map((collapse) => ({ name: `${type} ${collapse}`, type, collapse }))),
  ...SINGLE_MODE.map((type) => ({ name: type, type, collapse: 'none' as const })),
];

/** The memory case: 10 targets of one source, as the issue sets it. */
export const MEMORY_CASE_TYPES: readonly TargetTypeName[] = ['sqs', 'sqs', 'sqs', 'sqs', 'sns', 'sns', 'kinesis', 'kinesis', 'firehose', 'http'];

export function caseSourceArn(name: string): string {
  return sourceArnOf(`bench-${name.replace(/[^A-Za-z0-9]+/g, '-')}`);
}

function destinationOf(type: TargetTypeName, to: BenchDestinations): string {
  const destinations: Record<TargetTypeName, string> = {
    sqs: to.queueUrl,
    sns: to.topicArn,
    kinesis: to.streamName,
    firehose: to.deliveryStreamName,
    lambda: to.functionName,
    iot: `${to.aws}#${to.iotTopic}`,
    es: `${to.aws}#${to.esIndex}`,
    http: to.httpUrl,
    redis: to.redisUrl,
    memcached: to.memcachedServers,
  };
  return destinations[type];
}

/** The target row of a case, in the targets table's schema. */
export function benchRow(sourceArn: string, id: string, type: TargetTypeName, collapse: CollapseMode, to: BenchDestinations): TargetRowInput {
  return {
    sourceArn,
    id,
    type,
    destination: destinationOf(type, to),
    active: true,
    ...(COLLAPSIBLE.includes(type) ? { collapse } : {}),
  };
}

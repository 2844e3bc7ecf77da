export { startTestbed, SERVER_NAMES, cacheDirectory, repositoryRoot } from './testbed.js';
export type { Testbed, TestbedEndpoints, ServerName } from './testbed.js';
export { awsClientConfig, credentialsForAccount } from './aws.js';
export type { AwsClientConfig, AwsCredentials } from './aws.js';
export { HttpSinkClient } from './http-sink-client.js';
export { motoRequests } from './moto-requests.js';
export type { MotoRequest } from './moto-requests.js';
export type { AwsEndpoints } from './servers/moto.js';
export type { RedisEndpoints } from './servers/redis.js';
export type { MemcachedEndpoints } from './servers/memcached.js';
export type { OpenSearchEndpoints } from './servers/opensearch.js';
export type { HttpSinkEndpoints, RecordedRequest, ResponseRule } from './servers/http-sink.js';
export { startFaultProxy, FAULT_KINDS } from './servers/fault-proxy.js';
export type {
  FaultProxy,
  FaultProxyOptions,
  FaultPlan,
  FaultRates,
  FaultKind,
  FaultCounters,
  FaultOperationCounters,
  SlowAnswer,
} from './servers/fault-proxy.js';
export { TARGET_OPERATIONS } from './servers/fault-proxy/apis.js';
export type { TargetOperation } from './servers/fault-proxy/apis.js';
export { startFakeAws } from './servers/fake-aws.js';
export { startKinesalite } from './servers/kinesalite.js';
export type { Kinesalite } from './servers/kinesalite.js';
export type { FakeAws, FakeAwsOptions, FakeAwsCounters, FakeApiCounters, KeptEntry } from './servers/fake-aws.js';
export { startTcpFaultProxy, TCP_FAULT_KINDS } from './servers/tcp-fault-proxy.js';
export type { TcpFaultProxy, TcpFaultProxyOptions, TcpFaultPlan, TcpFaultKind, TcpFaultCounters } from './servers/tcp-fault-proxy.js';
export { uniqueName } from './names.js';
export { seededRandom } from './servers/fault-proxy/random.js';
export { freePort } from './net.js';
export { WAIT_CEILING_MS, TEST_CEILING_MS } from './patience.js';

/** The public face of the v2 client library. */
export { EtcdClient } from './etcd-client.js';
export { Watcher } from './watcher.js';
export {
  EtcdError,
  WatchIndexClearedError,
  EndpointError,
  ClusterUnavailableError,
  TotalTimeoutError,
  CallAbortedError,
  InvalidResponseError,
  MembersApiError,
  ERROR_CODES,
} from './errors.js';
export type {
  EtcdNode,
  EtcdAction,
  EtcdResponse,
  Member,
  VersionInfo,
  HealthInfo,
  StatsDocument,
  TlsOptions,
  EtcdClientOptions,
  OutgoingRequest,
  CallOptions,
  GetOptions,
  SetOptions,
  TtlOptions,
  CreateInOrderOptions,
  DeleteOptions,
  CompareOptions,
  CompareAndSwapOptions,
  WatchOptions,
} from './types.js';
export { checkMemberHealth, type MemberHealthResult } from './member-health.js';

/**
 * Setting up the fleet client from the global options, as fleetctl's getClient does: the API
 * driver (default) or the etcd driver; `--experimental-api=false` still means the etcd driver.
 * The etcd driver checks the fleet versions registered in the cluster and prints fleetctl's
 * warning banner when one is newer.
 */
import { EtcdClient } from '../client/etcd-client.js';
import { Registry } from '../fleet/registry/registry.js';
import { ApiClient } from './api-client.js';
import { parseApiEndpoint } from './api-endpoint.js';
import { DEFAULT_ENDPOINT, DEFAULT_ETCD_ENDPOINTS, FLEETCTL_VERSION } from './command-table.js';
import type { FleetAgentAccess, FleetClient } from './fleet-client.js';
import type { FleetctlIO } from './fleetctl-io.js';
import type { GlobalOptions } from './global-options.js';
import { errorText } from './go-format.js';
import { RegistryClient } from './registry-client.js';
import { compareSemver, parseSemver, semverString } from './semver.js';

/** Reported as `Unable to initialize client: <message>`, exit 1. */
export class ClientInitError extends Error {
  override readonly name = 'ClientInitError';
}

export const OLD_VERSION_WARNING = (ours: string, latest: string): string =>
  `####################################################################
WARNING: fleetctl (${ours}) is older than the latest registered
version of fleet found in the cluster (${latest}). You are strongly
recommended to upgrade fleetctl to prevent incompatibility issues.
####################################################################
`;

function apiClient(endpoint: string, global: GlobalOptions, io: FleetctlIO): ApiClient {
  let ep;
  try {
    ep = parseApiEndpoint(endpoint, (m) => io.log('WARN', 'fleetctl.go:269', m));
  } catch (err) {
    throw new ClientInitError(errorText(err));
  }
  if (global.tunnel !== '') {
    throw new ClientInitError('failed initializing SSH client: SSH tunnels are not supported; give the API address with --endpoint');
  }
  return new ApiClient(ep, { caFile: global.caFile, certFile: global.certFile, keyFile: global.keyFile });
}

/** The newest parseable fleet version among the registered machines (registry LatestDaemonVersion). */
export async function checkVersion(client: FleetClient, io: FleetctlIO): Promise<void> {
  let machines;
  try {
    machines = await client.machines();
  } catch (err) {
    io.log('ERROR', 'fleetctl.go:211', `error attempting to check latest fleet version in Registry: ${errorText(err)}`);
    return;
  }
  let latest = null;
  for (const m of machines) {
    const v = parseSemver(m.version);
    if (v !== null && (latest === null || compareSemver(latest, v) < 0)) latest = v;
  }
  const ours = parseSemver(FLEETCTL_VERSION)!;
  if (latest !== null && compareSemver(ours, latest) < 0) io.stderr(OLD_VERSION_WARNING(FLEETCTL_VERSION, semverString(latest)));
}

async function registryClient(global: GlobalOptions, io: FleetctlIO): Promise<RegistryClient> {
  if (global.tunnel !== '') {
    throw new ClientInitError('failed initializing SSH client: SSH tunnels are not supported; give the etcd address with --endpoint');
  }
  const endpoints = (global.endpointGiven || global.endpoint !== DEFAULT_ENDPOINT ? global.endpoint : DEFAULT_ETCD_ENDPOINTS).split(',');
  const tls =
    global.caFile !== '' || global.certFile !== '' || global.keyFile !== ''
      ? { caFile: global.caFile || undefined, certFile: global.certFile || undefined, keyFile: global.keyFile || undefined }
      : undefined;
  const etcd = new EtcdClient({ endpoints, requestTimeoutMs: Math.round(global.requestTimeout * 1000), tls });
  const client = new RegistryClient(new Registry(etcd, global.etcdKeyPrefix));
  await checkVersion(client, io);
  return client;
}

export interface FleetConnection {
  client: FleetClient;
  /** How `status` and `journal` reach agents; null with the etcd driver unless FLEETCTL_AGENT_API is set. */
  agent: FleetAgentAccess | null;
}

export async function connect(global: GlobalOptions, io: FleetctlIO, env: Readonly<Record<string, string | undefined>>): Promise<FleetConnection> {
  const agentUrl = env.FLEETCTL_AGENT_API;
  const agentFromEnv = (): FleetAgentAccess | null => {
    if (agentUrl === undefined || agentUrl === '') return null;
    try {
      return apiClient(agentUrl, { ...global, tunnel: '' }, io);
    } catch (err) {
      io.log('WARN', 'fleetctl.go:269', `FLEETCTL_AGENT_API ${JSON.stringify(agentUrl)} is not usable: ${errorText(err)}`);
      return null;
    }
  };
  if (!global.experimentalApi) return { client: await registryClient(global, io), agent: agentFromEnv() };
  switch (global.driver) {
    case 'API': {
      const client = apiClient(global.endpoint, global, io);
      return { client, agent: client };
    }
    case 'etcd':
      return { client: await registryClient(global, io), agent: agentFromEnv() };
    default:
      throw new ClientInitError(`unrecognized driver ${JSON.stringify(global.driver)}`);
  }
}

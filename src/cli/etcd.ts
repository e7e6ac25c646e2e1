/**
 * `etcd`: parses the command line (etcd 3.4 and 0.4 forms, `ETCD_*` variables), opens the data dir,
 * and serves the v2 API on the client URLs and the peer API on the peer URLs.
 */
import { parseEtcdCommandLine } from './etcd-flags.js';
import { FlagError } from '../go/flags.js';
import { etcdUsage } from './etcd-usage.js';
import { createClientListener, createListener, listen, closeListener, type Listener } from './listeners.js';
import { EtcdServer } from '../etcdserver/server.js';
import { ServerLog } from '../etcdserver/server-log.js';
import { WalError } from '../wal/index.js';
import { ClientHandler, clientBodyLimit } from '../api/v2http/client-handler.js';
import { createPeerHandler } from '../api/peer-handler.js';
import { AdminHandler } from '../api/admin/admin-handler.js';
import { createServerAdminFace } from '../api/admin/server-admin-face.js';
import { Transport } from '../rafthttp/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Wal } from '../wal/index.js';
import type { ServerConfig } from '../etcdserver/config.js';
import type { Http1Handler, Http1Request, Http1Response } from '../http1/index.js';
import { createLegacyMachinesHttp1Route } from '../api/admin/legacy-machines.js';
import { createStandbyClientHandler, createStandbyPeerHandler } from '../api/admin/standby-handler.js';
import { seedAdminConfigUpdate } from '../etcdserver/admin-config.js';
import type { ClusterMachine } from '../etcdserver/standby-machines.js';
import { decideMachineRole } from '../etcdserver/standby-role.js';
import { fetchClusterView, StandbyRunner, type ClusterView } from '../etcdserver/standby-runner.js';
import { machinesWithout, moveDataAside, seedAdminConfig, startRemovalLoop, type RunningRemovalLoop } from '../etcdserver/standby-mode.js';

export const ETCD_VERSION = '3.4.23';

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseEtcdCommandLine(argv, process.env);
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`etcd: ${err.message}\nRun 'etcd --help' for the list of flags.\n`);
      return 2;
    }
    throw err;
  }
  if (command.kind === 'help') {
    process.stdout.write(etcdUsage());
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`etcd Version: ${ETCD_VERSION}\nGit SHA: flotilla\nGo Version: node ${process.version}\nGo OS/Arch: ${process.platform}/${process.arch}\n`);
    return 0;
  }
  const { config, legacy } = command;
  const log = new ServerLog();
  for (const w of command.warnings) log.warn('etcdmain', w);
  if (legacy.enabled) {
    log.info('etcdmain', `etcd 0.4 mode (${legacy.because.map((f) => `-${f}`).join(', ')}): standby mode and the leader's removal of peers are on`);
  }

  // The listeners stay open for the life of the process; what they serve changes when the machine
  // moves between member and standby (0.4 mode only).
  let serveClient: Http1Handler = (_req, res) => { res.writeHead(503, ['Content-Length', '0']); res.end(); };
  let servePeer: (req: IncomingMessage, res: ServerResponse) => void = (req, res) => { req.resume(); res.writeHead(503); res.end(); };
  const clientSwitch = {
    serve: (req: Http1Request, res: Http1Response) => serveClient(req, res),
    maxBodyBytes: clientBodyLimit(config.maxRequestBytes),
  };
  const peerSwitch = { serve: (req: IncomingMessage, res: ServerResponse) => servePeer(req, res) };

  const listeners: Listener[] = [];
  let server: EtcdServer | null = null;
  let removalLoop: RunningRemovalLoop | null = null;
  let standby: StandbyRunner | null = null;
  let stopping = false;
  const shutdown = async (code: number) => {
    stopping = true;
    standby?.stop();
    removalLoop?.stop();
    // While the listeners still serve the peers: a leader hands over before it goes.
    if (code === 0) await server?.transferLeadershipForStop().catch(() => null);
    await Promise.all(listeners.map(closeListener));
    await server?.stop();
    process.exit(code);
  };
  const ownPeerURLs = config.initialAdvertisePeerUrls.map((u) => u.href.replace(/\/$/, ''));
  const walDir = config.walDir ?? join(config.dataDir, 'member', 'wal');

  /** Starts the etcd server with this configuration and points the listeners at it. */
  const startMember = async (memberConfig: ServerConfig): Promise<EtcdServer> => {
    const fresh = !Wal.exists(walDir) && memberConfig.initialClusterState === 'new';
    let removedSignal = false;
    let started: EtcdServer | null = null;
    const s = await EtcdServer.start(memberConfig, {
      log,
      transport: ({ memberId, clusterId, receiver, isRemoved, onRemovedFromCluster, onRoundTrip }) => new Transport({
        memberId, clusterId, receiver, isRemoved, onRemovedFromCluster, onRoundTrip,
        tls: config.peerTls.certFile ? config.peerTls : undefined,
        log: (line) => log.warn('rafthttp', line),
      }),
      onRemoved: () => {
        if (started !== null) void onRemoved(started);
        else removedSignal = true;
      },
    });
    started = s;
    server = s;
    const clientHandler = new ClientHandler(s, { cors: config.cors, maxRequestBytes: config.maxRequestBytes, linearizableReads: config.linearizableReads });
    const servePeerApi = createPeerHandler(s);
    const transport = s.peerTransport();
    // The 0.4 admin API (/v2/admin/config, /v2/admin/machines) is served on the peer port in any
    // mode; the leader's removal of peers, standby mode and 0.4's /v2/machines only in 0.4 mode.
    const adminHandler = new AdminHandler(createServerAdminFace(s));
    servePeer = (req, res) => { if (!transport.handle(req, res) && !adminHandler.handle(req, res)) servePeerApi(req, res); };
    if (legacy.enabled) {
      const legacyMachines = createLegacyMachinesHttp1Route(s);
      serveClient = (req, res) => { if (!legacyMachines(req, res)) clientHandler.serve(req, res); };
      removalLoop = startRemovalLoop(s, transport, { log: (line) => log.info('etcdserver', `removal: ${line}`) });
      if (fresh && Object.keys(legacy.seed).length > 0) {
        const update = seedAdminConfigUpdate(legacy.seed);
        if (update !== null) {
          void seedAdminConfig(s, update, { isStopped: () => stopping || server !== s }).then((applied) => {
            if (applied !== null) log.info('etcdserver', `cluster configuration set from the command line: ${JSON.stringify(applied)}`);
            else if (!stopping && server === s) log.warn('etcdserver', 'could not set the cluster configuration from the command line');
          });
        }
      }
    } else {
      serveClient = (req, res) => clientHandler.serve(req, res);
    }
    if (removedSignal) void onRemoved(s);
    return s;
  };

  /** A configuration that joins the cluster through these peers (the leader's first). */
  const joinConfig = (peerURLs: readonly string[]): ServerConfig => {
    const initialCluster = new Map<string, string[]>([[config.name, ownPeerURLs]]);
    for (const url of peerURLs) {
      if (url !== '' && !ownPeerURLs.includes(url)) initialCluster.set(`peer-${url}`, [url]);
    }
    return { ...config, initialCluster, initialClusterState: 'existing', joinByPeers: true };
  };

  /** Runs this machine as a 0.4 standby until there is room for it in the cluster. */
  const becomeStandby = (machines: readonly ClusterMachine[], syncInterval: number) => {
    const runner: StandbyRunner = new StandbyRunner({
      self: { name: config.name, peerURLs: ownPeerURLs },
      seedPeerURLs: legacy.seedPeerURLs,
      syncInterval,
      machines,
      join: async (leader) => {
        if (stopping) throw new Error('shutting down');
        const peers = [leader.peerURL, ...runner.knownPeerURLs(), ...legacy.seedPeerURLs];
        log.info('etcdmain', `standby: there is room in the cluster; joining through ${leader.peerURL}`);
        await startMember(joinConfig(peers));
      },
      onPeer: () => {
        if (standby === runner) standby = null;
        log.info('etcdmain', 'standby: running as a member');
      },
      log: (line) => log.info('etcdmain', line),
    });
    standby = runner;
    serveClient = createStandbyClientHandler(runner);
    servePeer = createStandbyPeerHandler();
    const leader = runner.leaderClientURL();
    log.info('etcdmain', `running as a standby; client requests redirect to ${leader ?? 'the leader once known'}`);
    runner.start();
  };

  /** A member removed from the cluster: in 0.4 mode it goes on as a standby, otherwise it exits. */
  let handlingRemoval = false;
  const onRemoved = async (removed: EtcdServer) => {
    if (stopping || handlingRemoval || server !== removed) return;
    if (!legacy.enabled) {
      log.warn('etcdmain', 'the member has been permanently removed from the cluster; exiting');
      void shutdown(0);
      return;
    }
    handlingRemoval = true;
    try {
      const machines = machinesWithout(removed);
      const syncInterval = removed.adminConfig().syncInterval;
      removalLoop?.stop();
      removalLoop = null;
      await removed.stop();
      if (stopping) return;
      server = null;
      const moved = moveDataAside(config.dataDir, config.walDir);
      log.warn('etcdmain', `the member has been removed from the cluster; its data moved to ${moved.join(', ') || '(none)'}; going on as a standby`);
      becomeStandby(machines, syncInterval);
    } finally {
      handlingRemoval = false;
    }
  };

  try {
    let view: ClusterView | null = null;
    if (legacy.enabled && config.joinByPeers && !Wal.exists(walDir)) {
      // 0.4: a new machine asks the cluster whether there is room for it before it joins.
      view = await fetchClusterView(legacy.seedPeerURLs);
      if (view === null) log.warn('etcdmain', `no peer answered /v2/admin/machines (${legacy.seedPeerURLs.join(', ')}); trying to join`);
    }
    if (view !== null && decideMachineRole(view.machines, view.config, { name: config.name, peerURLs: ownPeerURLs }) === 'standby') {
      becomeStandby(view.machines, view.config.syncInterval);
    } else {
      await startMember(config);
    }
  } catch (err) {
    const what = err instanceof WalError ? `cannot open the data dir ${config.dataDir}: ` : '';
    log.fatal('etcdmain', `${what}${(err as Error).message}`);
    return 1;
  }
  try {
    for (const url of config.listenPeerUrls) {
      const l = createListener(url, config.peerTls, peerSwitch);
      await listen(l, url);
      listeners.push(l);
      log.info('embed', `listening for peers on ${url.href.replace(/\/$/, '')}`);
    }
    for (const url of config.listenClientUrls) {
      const l = createClientListener(url, config.clientTls, clientSwitch);
      await listen(l, url);
      listeners.push(l);
      log.info('embed', `serving client requests on ${url.href.replace(/\/$/, '')}`);
    }
  } catch (err) {
    log.fatal('etcdmain', `listen failed: ${(err as Error).message}`);
    await shutdown(1);
    return 1;
  }
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      log.info('etcdmain', `received ${sig}, shutting down`);
      void shutdown(0);
    });
  }
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (err: unknown) => {
    process.stderr.write(`etcd: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);

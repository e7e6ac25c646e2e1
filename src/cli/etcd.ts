/**
 * `etcd`: parses the command line (etcd 3.4 and 0.4 forms, `ETCD_*` variables), opens the data dir,
 * and serves the v2 API on the client URLs and the peer API on the peer URLs.
 */
import { parseEtcdCommandLine } from './etcd-flags.js';
import { FlagError } from './go-flags.js';
import { createClientListener, createListener, listen, closeListener, type Listener } from './listeners.js';
import { EtcdServer } from '../etcdserver/server.js';
import { ServerLog } from '../etcdserver/server-log.js';
import { WalError } from '../wal/index.js';
import { ClientHandler } from '../api/v2http/client-handler.js';
import { createPeerHandler } from '../api/peer-handler.js';
import { AdminHandler } from '../api/admin/admin-handler.js';
import { createServerAdminFace } from '../api/admin/server-admin-face.js';
import { Transport } from '../rafthttp/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

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
  if (command.kind === 'version') {
    process.stdout.write(`etcd Version: ${ETCD_VERSION}\nGit SHA: flotilla\nGo Version: node ${process.version}\nGo OS/Arch: ${process.platform}/${process.arch}\n`);
    return 0;
  }
  const { config } = command;
  const log = new ServerLog();
  for (const w of command.warnings) log.warn('etcdmain', w);

  const listeners: Listener[] = [];
  let server: EtcdServer | null = null;
  const shutdown = async (code: number) => {
    await Promise.all(listeners.map(closeListener));
    await server?.stop();
    process.exit(code);
  };
  try {
    server = await EtcdServer.start(config, {
      log,
      transport: ({ memberId, clusterId, receiver, isRemoved, onRemovedFromCluster }) => new Transport({
        memberId, clusterId, receiver, isRemoved, onRemovedFromCluster,
        tls: config.peerTls.certFile ? config.peerTls : undefined,
        log: (line) => log.warn('rafthttp', line),
      }),
      onRemoved: () => {
        log.warn('etcdmain', 'the member has been permanently removed from the cluster; exiting');
        void shutdown(0);
      },
    });
  } catch (err) {
    const what = err instanceof WalError ? `cannot open the data dir ${config.dataDir}: ` : '';
    log.fatal('etcdmain', `${what}${(err as Error).message}`);
    return 1;
  }
  const clientHandler = new ClientHandler(server, { cors: config.cors, maxRequestBytes: config.maxRequestBytes });
  const servePeerApi = createPeerHandler(server);
  const transport = server.peerTransport();
  // The 0.4 admin API (/v2/admin/config, /v2/admin/machines) is served on the peer port. Only the
  // API: the leader's automatic removal of peers and standby mode are not run.
  const adminHandler = new AdminHandler(createServerAdminFace(server));
  const peerHandler = { serve: (req: IncomingMessage, res: ServerResponse) => { if (!transport.handle(req, res) && !adminHandler.handle(req, res)) servePeerApi(req, res); } };
  try {
    for (const url of config.listenPeerUrls) {
      const l = createListener(url, config.peerTls, peerHandler);
      await listen(l, url);
      listeners.push(l);
      log.info('embed', `listening for peers on ${url.href.replace(/\/$/, '')}`);
    }
    for (const url of config.listenClientUrls) {
      const l = createClientListener(url, config.clientTls, clientHandler);
      await listen(l, url);
      listeners.push(l);
      log.info('embed', `serving client requests on ${url.href.replace(/\/$/, '')}`);
    }
  } catch (err) {
    log.fatal('etcdmain', `listen failed: ${(err as Error).message}`);
    await shutdown(1);
    return 1;
  }
  let stopping = false;
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

/**
 * Serving the fleet API on its listeners: unix sockets (a stale socket file is removed first, the
 * parent directory made) and TCP addresses, each a node:http server.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { dirname } from 'node:path';

import { endpointOf, parseListenerAddress, type ListenerAddress } from './listener-address.js';

export interface FleetApiListeners {
  /** Stops accepting, ends open connections (followed journals too) and removes the socket files. */
  close(): Promise<void>;
  /** Where each listener serves, in the order given, as fleetctl endpoints (`unix:///path`, `http://127.0.0.1:PORT`). */
  addresses: string[];
}

/** How long a connect to an existing socket file may take to tell a live server from a stale file. */
const PROBE_TIMEOUT_MS = 1000;

/** Whether something accepts connections on the unix socket at `path`. */
function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (live: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(live);
    };
    const timer = setTimeout(() => done(true), PROBE_TIMEOUT_MS);
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}

/** Makes way for a unix socket: creates the directory, removes a stale socket file, refuses a live one or another kind of file. */
async function prepareSocketPath(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  let isSocket: boolean;
  try {
    isSocket = statSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket`);
  if (await socketIsLive(path)) throw new Error(`another process is serving on ${path}`);
  rmSync(path, { force: true });
}

function listenOn(server: Server, address: ListenerAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: Error): void => reject(e);
    server.once('error', failed);
    const listening = (): void => {
      server.off('error', failed);
      resolve();
    };
    if (address.kind === 'unix') server.listen(address.path, listening);
    else if (address.host === '') server.listen(address.port, listening);
    else server.listen(address.port, address.host, listening);
  });
}

function closeServer(server: Server, address: ListenerAddress): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => {
      if (address.kind === 'unix') rmSync(address.path, { force: true });
      resolve();
    });
    server.closeAllConnections();
  });
}

function boundAddress(server: Server, address: ListenerAddress): string {
  if (address.kind === 'unix') return endpointOf(address);
  const info = server.address() as AddressInfo;
  return endpointOf({ kind: 'tcp', host: info.address, port: info.port });
}

/** Serves `handler` on every listener; rejects (closing those already open) when one cannot be used. */
export async function listenFleetApi(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  listeners: readonly string[],
): Promise<FleetApiListeners> {
  const opened: { server: Server; address: ListenerAddress }[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(opened.map((o) => closeServer(o.server, o.address)));
  };
  try {
    for (const text of listeners) {
      const address = parseListenerAddress(text);
      if (typeof address === 'string') throw new Error(address);
      const server = createServer(handler);
      try {
        if (address.kind === 'unix') await prepareSocketPath(address.path);
        await listenOn(server, address);
      } catch (e) {
        throw new Error(`unable to listen on ${text}: ${e instanceof Error ? e.message : String(e)}`);
      }
      opened.push({ server, address });
    }
  } catch (e) {
    await closeAll();
    throw e;
  }
  return {
    addresses: opened.map((o) => boundAddress(o.server, o.address)),
    close: closeAll,
  };
}

/** An in-process etcd (the client-port handler over a MemoryServer) on a loopback port, for fleet tests. */
import type { AddressInfo } from 'node:net';

import { createClientServer } from '../../../../src/api/v2http/client-server.js';
import { EtcdClient } from '../../../../src/client/etcd-client.js';
import type { OutgoingRequest } from '../../../../src/client/types.js';
import { MemoryServer } from '../../../support/memory-server.js';

export interface InMemoryEtcd {
  readonly url: string;
  readonly face: MemoryServer;
  /** A new client; `requests` collects what it sends. */
  client(requests?: OutgoingRequest[]): EtcdClient;
  stop(): Promise<void>;
}

export async function startInMemoryEtcd(): Promise<InMemoryEtcd> {
  const face = new MemoryServer({ syncIntervalMs: 100 });
  const server = createClientServer(face);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  face.clientURL = url;
  const clients: EtcdClient[] = [];
  return {
    url,
    face,
    client(requests) {
      const c = new EtcdClient({ endpoints: [url], onRequest: requests ? (r) => requests.push(r) : undefined });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      face.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The registry contract against real etcd 3.4 (/usr/bin/etcd, v2 API enabled): the stored bytes are fleet's. */
import { EtcdClient } from '../../../../src/client/etcd-client.js';
import { startEtcd } from '../../../support/etcd-process.js';
import { defineRegistryContract } from './registry-contract.js';

defineRegistryContract('registry over etcd 3.4', async () => {
  const etcd = await startEtcd({ impl: 'reference' });
  const clients: EtcdClient[] = [];
  return {
    client(requests) {
      const c = new EtcdClient({ endpoints: [etcd.clientURL], onRequest: requests ? (r) => requests.push(r) : undefined });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await etcd.stop();
    },
  };
});

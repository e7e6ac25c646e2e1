/** The registry contract against the in-process etcd. */
import { defineRegistryContract } from './registry-contract.js';
import { startInMemoryEtcd } from './in-memory-etcd.js';

defineRegistryContract('registry over the in-process etcd', async () => {
  const etcd = await startInMemoryEtcd();
  return { client: (requests) => etcd.client(requests), stop: () => etcd.stop() };
});

/** Which etcd the client tests run against: CLIENT_TEST_IMPL=reference|flotilla (default flotilla). */
import { flotillaCommand, type EtcdImpl } from '../../support/etcd-process.js';

export function clientTestImpl(): EtcdImpl {
  return process.env.CLIENT_TEST_IMPL === 'reference' ? 'reference' : 'flotilla';
}

/** The command line prefix that starts a member of the chosen implementation. */
export function etcdCommand(impl: EtcdImpl = clientTestImpl()): { cmd: string; args: string[] } {
  return impl === 'flotilla' ? flotillaCommand() : { cmd: process.env.ETCD_BIN ?? '/usr/bin/etcd', args: [] };
}

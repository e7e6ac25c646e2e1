/** Which etcd the client tests run against: CLIENT_TEST_IMPL=flotilla|reference (default reference). */
import type { EtcdImpl } from '../../support/etcd-process.js';

export function clientTestImpl(): EtcdImpl {
  return process.env.CLIENT_TEST_IMPL === 'flotilla' ? 'flotilla' : 'reference';
}

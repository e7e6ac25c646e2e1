import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_ADMIN_CONFIG } from '../../../src/etcdserver/admin-config.js';
import type { ClusterMachine } from '../../../src/etcdserver/standby-machines.js';
import { StandbySync } from '../../../src/etcdserver/standby-sync.js';

const self = { name: 'm4', peerURLs: ['http://127.0.0.1:7040'] };
const full: ClusterMachine[] = [
  { name: 'm1', state: 'leader', clientURL: 'http://127.0.0.1:4010', peerURL: 'http://127.0.0.1:7010' },
  { name: 'm2', state: 'follower', clientURL: 'http://127.0.0.1:4020', peerURL: 'http://127.0.0.1:7020' },
  { name: 'm3', state: 'follower', clientURL: 'http://127.0.0.1:4030', peerURL: 'http://127.0.0.1:7030' },
];
const three = { ...DEFAULT_ADMIN_CONFIG, activeSize: 3, syncInterval: 2 };

describe('standby sync loop', () => {
  it('waits one interval before the first sync, then asks the seeds', () => {
    const s = new StandbySync({ self, seedPeerURLs: ['http://127.0.0.1:7010', 'http://127.0.0.1:7040'], syncInterval: 5, now: 1000 });
    assert.equal(s.phase, 'waiting');
    assert.equal(s.nextWakeAt(), 6000);
    assert.equal(s.poll(5999), null);
    assert.deepEqual(s.poll(6000), { kind: 'sync', peerURLs: ['http://127.0.0.1:7010'] });
    assert.equal(s.phase, 'syncing');
    assert.equal(s.nextWakeAt(), null);
    assert.equal(s.poll(99_999), null, 'nothing new while a sync is out');
    assert.equal(s.leader(), null);
  });

  it('stays a standby while the cluster is full, adopting its interval, and redirects to its leader', () => {
    const s = new StandbySync({ self, seedPeerURLs: ['http://127.0.0.1:7020'], syncInterval: 5, now: 0 });
    s.poll(5000);
    assert.equal(s.onSynced(5100, full, three), null);
    assert.equal(s.phase, 'waiting');
    assert.equal(s.syncIntervalMs, 2000);
    assert.equal(s.nextWakeAt(), 7100);
    assert.equal(s.leader()?.clientURL, 'http://127.0.0.1:4010');
    // The known cluster is asked first, the seed after it, each once.
    assert.deepEqual(s.poll(7100), { kind: 'sync', peerURLs: ['http://127.0.0.1:7010', 'http://127.0.0.1:7020', 'http://127.0.0.1:7030'] });
  });

  it('joins through the leader when there is room, and ends once joined', () => {
    const s = new StandbySync({ self, seedPeerURLs: [], syncInterval: 1, now: 0, machines: full });
    s.poll(1000);
    const action = s.onSynced(1000, full.slice(0, 2), three);
    assert.deepEqual(action, { kind: 'join', leader: full[0], listed: false });
    assert.equal(s.phase, 'joining');
    s.onJoinFailed(1500);
    assert.equal(s.phase, 'waiting');
    assert.equal(s.nextWakeAt(), 3500);
    s.poll(3500);
    assert.equal(s.onSynced(3600, full.slice(0, 2), three)?.kind, 'join');
    s.onJoined();
    assert.equal(s.phase, 'joined');
    assert.equal(s.nextWakeAt(), null);
    assert.equal(s.poll(1e12), null);
  });

  it('a machine the cluster already lists goes back to peer mode even when the cluster is full', () => {
    const s = new StandbySync({ self: { name: 'm3', peerURLs: ['http://127.0.0.1:7030'] }, seedPeerURLs: [], syncInterval: 1, now: 0, machines: full });
    assert.deepEqual(s.poll(1000), { kind: 'sync', peerURLs: ['http://127.0.0.1:7010', 'http://127.0.0.1:7020'] });
    assert.deepEqual(s.onSynced(1000, full, three), { kind: 'join', leader: full[0], listed: true });
  });

  it('does not join while the list names no leader', () => {
    const s = new StandbySync({ self, seedPeerURLs: ['http://127.0.0.1:7010'], syncInterval: 1, now: 0 });
    s.poll(1000);
    const noLeader = full.slice(0, 2).map((m) => ({ ...m, state: 'follower' as const }));
    assert.equal(s.onSynced(1000, noLeader, three), null);
    assert.equal(s.leader(), null);
  });

  it('a failed sync keeps the last list and retries after the interval', () => {
    const s = new StandbySync({ self, seedPeerURLs: [], syncInterval: 3, now: 0, machines: full });
    s.poll(3000);
    s.onSyncFailed(3200);
    assert.equal(s.phase, 'waiting');
    assert.equal(s.nextWakeAt(), 6200);
    assert.equal(s.leader()?.name, 'm1');
  });
});

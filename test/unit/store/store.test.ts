import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { EtcdError } from '../../../src/store/errors.js';
import type { StoreEvent, StoreRequest, WriteRequest } from '../../../src/store/request.js';
import { compareUtf8, Store } from '../../../src/store/store.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0) + 0.123456;

function set(key: string, value: string, extra: Partial<{ dir: boolean; ttl: number | null; time: number; refresh: boolean }> = {}): WriteRequest {
  return { op: 'set', key, value, dir: extra.dir ?? false, ttl: extra.ttl ?? null, time: extra.time ?? T0, refresh: extra.refresh };
}

function expectError(fn: () => unknown, code: number, cause?: string, index?: number): EtcdError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EtcdError, `expected EtcdError, got ${String(err)}`);
    assert.equal(err.errorCode, code);
    if (cause !== undefined) assert.equal(err.cause, cause);
    if (index !== undefined) assert.equal(err.index, index);
    return err;
  }
  assert.fail(`expected error ${code}`);
}

describe('store writes', () => {
  it('set creates, replaces (new createdIndex) and reports prevNode', () => {
    const s = new Store();
    const e1 = s.apply(set('/message', 'Hello world'));
    assert.deepEqual(e1, { action: 'set', node: { key: '/message', value: 'Hello world', modifiedIndex: 1, createdIndex: 1 }, index: 1 });
    const e2 = s.apply(set('/message', 'Hello etcd'));
    assert.deepEqual(e2.node, { key: '/message', value: 'Hello etcd', modifiedIndex: 2, createdIndex: 2 });
    assert.deepEqual(e2.prevNode, { key: '/message', value: 'Hello world', modifiedIndex: 1, createdIndex: 1 });
    assert.equal(s.index, 2);
  });

  it('a write below a key fails with 104 and is counted as real etcd counts it', () => {
    const s = new Store();
    s.apply(set('/a', '1'));
    expectError(() => s.apply(set('/a/b', '2')), 104, '/a', 1);
    expectError(() => s.apply(set('/a/b/c', '2')), 104, '/a', 1);
    expectError(() => s.apply(set('/a/b', '', { dir: true })), 104, '/a', 1);
    assert.equal(s.stats().setsFail, 3);
    // A create counts its own failure and, for the walk to the parent, a failed set (as etcd 3.4 does).
    expectError(() => s.apply({ op: 'create', key: '/a/b', value: '2', dir: false, unique: false, ttl: null, time: T0 }), 104, '/a', 1);
    expectError(() => s.apply(set('/a/b', '2', { refresh: true, ttl: 5 })), 104, '/a', 1);
    assert.deepEqual([s.stats().setsFail, s.stats().createFail, s.stats().setsSuccess], [5, 1, 1]);
    assert.equal(s.index, 1);
  });

  it('refused writes keep the index and carry it in the error', () => {
    const s = new Store();
    s.apply(set('/dir', '', { dir: true }));
    expectError(() => s.apply(set('/dir', '', { dir: true })), 102, '/dir', 1);
    expectError(() => s.apply(set('/', 'v')), 107, '/', 1);
    expectError(() => s.apply({ op: 'create', key: '/dir', value: '', dir: false, unique: false, ttl: null, time: T0 }), 105, '/dir', 1);
    expectError(() => s.apply({ op: 'update', key: '/nope', value: 'x', ttl: null, time: T0 }), 100, '/nope', 1);
    expectError(() => s.apply({ op: 'delete', key: '/dir', dir: false, recursive: false, time: T0 }), 102, '/dir');
    s.apply(set('/file', 'f'));
    expectError(() => s.apply(set('/file/child', 'c')), 104, '/file', 2);
    expectError(() => s.get('/file/child/x', { now: T0 }), 104, '/file');
    expectError(() => s.get('/nodir/a/b', { now: T0 }), 100, '/nodir');
    assert.equal(s.index, 2);
  });

  it('implicit parent directories get the index of the write', () => {
    const s = new Store();
    s.apply(set('/a', '1'));
    s.apply(set('/x/y/z', 'v'));
    const g = s.get('/x', { recursive: true, sorted: true, now: T0 });
    assert.deepEqual(g.node, {
      key: '/x',
      dir: true,
      nodes: [{ key: '/x/y', dir: true, nodes: [{ key: '/x/y/z', value: 'v', modifiedIndex: 2, createdIndex: 2 }], modifiedIndex: 2, createdIndex: 2 }],
      modifiedIndex: 2,
      createdIndex: 2,
    });
  });

  it('compareAndSwap and compareAndDelete causes', () => {
    const s = new Store();
    s.apply(set('/k', 'one'));
    expectError(() => s.apply({ op: 'compareAndSwap', key: '/k', value: 'x', prevValue: 'two', prevIndex: 0, ttl: null, time: T0 }), 101, '[two != one]');
    expectError(() => s.apply({ op: 'compareAndSwap', key: '/k', value: 'x', prevValue: '', prevIndex: 7, ttl: null, time: T0 }), 101, '[7 != 1]');
    expectError(() => s.apply({ op: 'compareAndSwap', key: '/k', value: 'x', prevValue: 'two', prevIndex: 7, ttl: null, time: T0 }), 101, '[two != one] [7 != 1]');
    const cas = s.apply({ op: 'compareAndSwap', key: '/k', value: 'two', prevValue: 'one', prevIndex: 1, ttl: null, time: T0 });
    assert.deepEqual(cas.node, { key: '/k', value: 'two', modifiedIndex: 2, createdIndex: 1 });
    expectError(() => s.apply({ op: 'compareAndDelete', key: '/k', prevValue: 'x', prevIndex: 0, time: T0 }), 101, '[x != two]');
    expectError(() => s.apply({ op: 'compareAndDelete', key: '/', prevValue: '', prevIndex: 3, time: T0 }), 102, '');
    const cad = s.apply({ op: 'compareAndDelete', key: '/k', prevValue: 'two', prevIndex: 0, time: T0 });
    assert.deepEqual(cad.node, { key: '/k', modifiedIndex: 3, createdIndex: 1 });
    assert.deepEqual(cad.prevNode, { key: '/k', value: 'two', modifiedIndex: 2, createdIndex: 1 });
  });

  it('in-order create names children after the index, padded to 20 digits', () => {
    const s = new Store();
    s.apply(set('/a', '1'));
    const e = s.apply({ op: 'create', key: '/queue', value: 'Job1', dir: false, unique: true, ttl: null, time: T0 });
    assert.equal(e.node.key, '/queue/00000000000000000002');
    const r = s.apply({ op: 'create', key: '/', value: 'r', dir: false, unique: true, ttl: null, time: T0 });
    assert.equal(r.node.key, '/00000000000000000003');
  });

  it('directories: delete needs dir, non-empty needs recursive, update keeps the stored modifiedIndex', () => {
    const s = new Store();
    s.apply(set('/d', '', { dir: true }));
    s.apply(set('/d/a', '1'));
    expectError(() => s.apply({ op: 'delete', key: '/d', dir: true, recursive: false, time: T0 }), 108, '/d');
    const up = s.apply({ op: 'update', key: '/d', value: '', ttl: 100, time: T0 });
    assert.equal(up.node.modifiedIndex, 3);
    assert.equal(up.node.dir, true);
    assert.equal(s.get('/d', { now: T0 }).node.modifiedIndex, 1);
    const del = s.apply({ op: 'delete', key: '/d', dir: false, recursive: true, time: T0 });
    assert.deepEqual(del.node, { key: '/d', dir: true, modifiedIndex: 4, createdIndex: 1 });
    assert.equal(s.nextExpiration(), null);
  });

  it('sorted listings order keys by UTF-8 bytes', () => {
    const s = new Store();
    for (const k of ['\uffff', '\u{1F600}', 'b', 'a', 'ab']) s.apply(set(`/s/${k}`, k));
    const keys = s.get('/s', { sorted: true, now: T0 }).node.nodes!.map((n) => n.key!.slice(3));
    assert.deepEqual(keys, ['a', 'ab', 'b', '\uffff', '\u{1F600}']);
    assert.ok(compareUtf8('\u{1F600}', '\uffff') > 0);
  });

  it('hidden children are not listed and root get has no key or indexes', () => {
    const s = new Store();
    s.apply(set('/_hidden', 'x'));
    s.apply(set('/visible', 'y'));
    assert.deepEqual(s.get('/', { sorted: true, now: T0 }).node, {
      dir: true,
      nodes: [{ key: '/visible', value: 'y', modifiedIndex: 2, createdIndex: 2 }],
    });
    assert.equal(s.get('/_hidden', { now: T0 }).node.value, 'x');
    assert.deepEqual(new Store().get('/', { now: T0 }).node, { dir: true });
  });
});

describe('store TTL', () => {
  it('reports ttl and expiration, expires on sync in order with own indexes', () => {
    const s = new Store();
    const e = s.apply(set('/t', 'v', { ttl: 30 }));
    assert.equal(e.node.ttl, 30);
    assert.match(e.node.expiration!, /^2026-01-01T12:00:30\.0001\d*Z$/);
    s.apply(set('/u', 'w', { ttl: 1 }));
    s.apply(set('/p', 'perm'));
    assert.equal(s.nextExpiration(), T0 + 1000);
    assert.deepEqual(s.apply({ op: 'sync', time: T0 + 999 }), []);
    const expired = s.apply({ op: 'sync', time: T0 + 30_000 });
    assert.deepEqual(expired.map((x) => [x.node.key, x.index]), [['/u', 4], ['/t', 5]]);
    assert.equal(expired[0]!.action, 'expire');
    assert.deepEqual(expired[0]!.prevNode?.value, 'w');
    assert.equal(s.stats().expireCount, 2);
    assert.equal(s.nextExpiration(), null);
  });

  it('a write without ttl makes the node permanent; ttl=0 expires at the next sync', () => {
    const s = new Store();
    s.apply(set('/t', 'v', { ttl: 30 }));
    s.apply({ op: 'update', key: '/t', value: 'v2', ttl: null, time: T0 });
    assert.equal(s.nextExpiration(), null);
    const z = s.apply(set('/z', 'v', { ttl: 0 }));
    assert.ok(z.node.expiration !== undefined && z.node.ttl === undefined);
    assert.equal(s.apply({ op: 'sync', time: T0 }).length, 1);
  });

  it('expiring a directory removes its subtree and the TTLs below it', () => {
    const s = new Store();
    s.apply(set('/d', '', { dir: true, ttl: 5 }));
    s.apply(set('/d/k', 'v', { ttl: 100 }));
    const ev = s.apply({ op: 'sync', time: T0 + 5000 });
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0]!.node, { key: '/d', dir: true, modifiedIndex: 3, createdIndex: 1 });
    assert.equal(s.nextExpiration(), null);
  });

  it('refresh keeps the value, takes an index and wakes no watcher', () => {
    const s = new Store();
    s.apply(set('/r', 'keep', { ttl: 10 }));
    const w = s.watch('/r');
    const got: StoreEvent[] = [];
    w.listen((e) => got.push(e));
    const r = s.apply({ op: 'update', key: '/r', value: '', ttl: 60, refresh: true, time: T0 });
    assert.equal(r.node.value, 'keep');
    assert.equal(r.node.ttl, 60);
    assert.equal(got.length, 0);
    s.apply(set('/r', 'changed'));
    assert.equal(got.length, 1);
    assert.equal(got[0]!.index, 3);
  });

  it('absurd TTLs overflow like etcd and end up permanent', () => {
    const s = new Store();
    const e = s.apply(set('/huge', 'v', { ttl: 9223372037 }));
    assert.equal(e.node.expiration, undefined);
  });
});

describe('store watches', () => {
  it('long-poll watcher gets the next matching event and is then removed', () => {
    const s = new Store();
    const w = s.watch('/w');
    assert.equal(s.watcherCount, 1);
    const got: StoreEvent[] = [];
    w.listen((e) => got.push(e));
    s.apply(set('/other', 'x'));
    s.apply(set('/w', '1'));
    s.apply(set('/w', '2'));
    assert.deepEqual(got.map((e) => e.node.value), ['1']);
    assert.equal(s.watcherCount, 0);
  });

  it('answers from history, recursive and by removed ancestor', () => {
    const s = new Store();
    s.apply(set('/tree/leaf', 'x'));
    s.apply(set('/pd/c1', 'y'));
    const got: StoreEvent[] = [];
    s.watch('/tree', { recursive: true, sinceIndex: 1 }).listen((e) => got.push(e));
    assert.equal(got[0]?.node.key, '/tree/leaf');
    const live: StoreEvent[] = [];
    s.watch('/pd/c1').listen((e) => live.push(e));
    s.apply({ op: 'delete', key: '/pd', dir: true, recursive: true, time: T0 });
    assert.equal(live[0]?.node.key, '/pd');
    assert.equal(live[0]?.node.dir, true);
    // history: a watch on a path under a deleted directory matches by string prefix
    const hist: StoreEvent[] = [];
    s.watch('/pdx', { sinceIndex: 3 }).listen((e) => hist.push(e));
    assert.equal(hist[0]?.action, 'delete');
  });

  it('live recursive watchers skip hidden children, history scans do not', () => {
    const s = new Store();
    const live: StoreEvent[] = [];
    const w = s.watch('/hp', { recursive: true });
    w.listen((e) => live.push(e));
    s.apply(set('/hp/_h', 'x'));
    assert.equal(live.length, 0);
    w.remove();
    const hist: StoreEvent[] = [];
    s.watch('/hp', { recursive: true, sinceIndex: 1 }).listen((e) => hist.push(e));
    assert.equal(hist[0]?.node.key, '/hp/_h');
  });

  it('a throwing listener neither fails the write nor stays registered', () => {
    const s = new Store();
    s.watch('/t', { stream: true }).listen(() => {
      throw new Error('listener bug');
    });
    const e = s.apply(set('/t', 'v'));
    assert.equal(e.index, 1);
    assert.equal(s.watcherCount, 0);
  });

  it('stream watchers stay registered until removed', () => {
    const s = new Store();
    const w = s.watch('/sw', { recursive: true, stream: true });
    const got: number[] = [];
    w.listen((e) => got.push(e.index));
    s.apply(set('/sw/a', '1'));
    s.apply(set('/sw/b', '2'));
    assert.deepEqual(got, [1, 2]);
    assert.equal(s.watcherCount, 1);
    w.remove();
    w.remove();
    assert.equal(s.watcherCount, 0);
  });

  it('a stream from the past gets only the first past event, as etcd; with replay every one, then live ones', () => {
    const s = new Store();
    for (let i = 1; i <= 250; i++) s.apply(set(i % 2 === 0 ? '/rp/even' : '/rp/odd', String(i)));
    const plain: number[] = [];
    s.watch('/rp/even', { stream: true, sinceIndex: 1 }).listen((e) => plain.push(e.index));
    const replayed: number[] = [];
    const w = s.watch('/rp/even', { stream: true, sinceIndex: 1, replay: true });
    s.apply(set('/rp/even', 'live'));
    w.listen((e) => replayed.push(e.index));
    s.apply(set('/rp/odd', 'skipped'));
    s.apply(set('/rp/even', 'live again'));
    assert.deepEqual(plain, [2]);
    // 125 past events (more than a watcher queues while nobody listens), then the two live ones.
    assert.deepEqual(replayed, [...Array.from({ length: 125 }, (_, i) => 2 * (i + 1)), 251, 253]);
    assert.equal(w.dropped, false);
    for (let i = 0; i < 1000; i++) s.apply(set('/rp/odd', String(i)));
    expectError(() => s.watch('/rp/even', { stream: true, sinceIndex: 64, replay: true }), 401, 'the requested history has been cleared [254/64]', 1253);
  });

  it('level and filter narrow a watch: other events neither wake nor use up a long poll', () => {
    const s = new Store();
    const del = (key: string): WriteRequest => ({ op: 'delete', key, dir: false, recursive: false, time: T0 });
    s.apply(set('/svc/a/config/port', '80'));
    const children: string[] = [];
    s.watch('/svc', { recursive: true, stream: true, filter: { maxDepth: 1, actions: null } }).listen((e) => children.push(`${e.action} ${e.node.key}`));
    const removals: string[] = [];
    s.watch('/svc', { recursive: true, stream: true, filter: { maxDepth: null, actions: new Set(['delete', 'expire']) } }).listen((e) => removals.push(`${e.action} ${e.node.key}`));
    const poll: string[] = [];
    s.watch('/', { recursive: true, filter: { maxDepth: 2, actions: new Set(['create', 'set']) } }).listen((e) => poll.push(`${e.action} ${e.node.key}`));
    s.apply(set('/svc/a/config/port', '81')); // three levels below /svc: no child event; four below /
    s.apply(del('/svc/a/config/port'));
    s.apply(set('/svc/b', 'up')); // a child of /svc, two levels below /
    s.apply(del('/svc/b'));
    assert.deepEqual(children, ['set /svc/b', 'delete /svc/b']);
    assert.deepEqual(removals, ['delete /svc/a/config/port', 'delete /svc/b']);
    assert.deepEqual(poll, ['set /svc/b']);
    assert.equal(s.watcherCount, 2, 'the long poll ended with its event; the streams stay');
    // From the history, the first event that passes: the child set at index 4, not the deeper ones.
    const past: number[] = [];
    s.watch('/svc', { recursive: true, sinceIndex: 1, filter: { maxDepth: 1, actions: null } }).listen((e) => past.push(e.index));
    assert.deepEqual(past, [4]);
  });

  it('401 once the history window has moved past waitIndex', () => {
    const s = new Store();
    for (let i = 0; i < 1077; i++) s.apply(set('/k', String(i)));
    expectError(() => s.watch('/w', { sinceIndex: 64 }), 401, 'the requested history has been cleared [78/64]', 1077);
  });

  it('a larger history (--event-history) reaches further back, keeping what it held', () => {
    const s = new Store();
    for (let i = 0; i < 1077; i++) s.apply(set('/k', String(i)));
    s.setHistoryCapacity(5000);
    assert.equal(s.historyCapacity, 5000);
    // The 1000 events it held are kept; older ones were gone already.
    expectError(() => s.watch('/w', { sinceIndex: 64 }), 401, 'the requested history has been cleared [78/64]', 1077);
    for (let i = 0; i < 3000; i++) s.apply(set('/k', String(i)));
    const w = s.watch('/k', { sinceIndex: 100 });
    w.remove();
    // Shrinking keeps the newest events.
    s.setHistoryCapacity(10);
    expectError(() => s.watch('/k', { sinceIndex: 4066 }), 401, 'the requested history has been cleared [4068/4066]', 4077);
    s.watch('/k', { sinceIndex: 4068 }).remove();
    // A store recovered from a snapshot keeps the capacity it is given.
    const recovered = Store.recover(s.save(), 5000);
    assert.equal(recovered.historyCapacity, 5000);
    assert.throws(() => s.setHistoryCapacity(0), RangeError);
  });

  it('does not leak after 100k watch/remove cycles', () => {
    const s = new Store();
    s.apply(set('/k', 'v'));
    for (let i = 0; i < 100_000; i++) {
      const w = s.watch(`/k${i % 7}`, { recursive: i % 2 === 0, stream: i % 3 === 0 });
      w.listen(() => undefined);
      w.remove();
    }
    assert.equal(s.watcherCount, 0);
    assert.equal(s.stats().watchers, 0);
    const hub = (s as unknown as { hub: { hasWatchers: boolean } }).hub;
    assert.equal(hub.hasWatchers, false);
  });
});

describe('store determinism and snapshots', () => {
  function workload(): StoreRequest[] {
    const reqs: StoreRequest[] = [];
    for (let i = 0; i < 300; i++) {
      const time = T0 + i * 100;
      reqs.push(set(`/d${i % 5}/k${i % 17}`, `v${i}`, { ttl: i % 4 === 0 ? 1 + (i % 3) : null, time }));
      if (i % 7 === 0) reqs.push({ op: 'create', key: `/q${i % 3}`, value: String(i), dir: false, unique: true, ttl: i % 2 ? 2 : null, time });
      if (i % 11 === 0) reqs.push({ op: 'delete', key: `/d${i % 5}/k${(i + 3) % 17}`, dir: false, recursive: false, time });
      if (i % 10 === 0) reqs.push({ op: 'sync', time });
    }
    return reqs;
  }

  function run(reqs: StoreRequest[]): { store: Store; log: string[] } {
    const store = new Store();
    const log: string[] = [];
    for (const r of reqs) {
      try {
        log.push(JSON.stringify(store.apply(r)));
      } catch (err) {
        log.push(`E${(err as EtcdError).errorCode}`);
      }
    }
    return { store, log };
  }

  it('replaying the same requests gives the same events and tree', () => {
    const a = run(workload());
    const b = run(workload());
    assert.deepEqual(a.log, b.log);
    assert.equal(a.store.index, b.store.index);
    assert.deepEqual(
      a.store.get('/', { recursive: true, sorted: true, now: T0 }),
      b.store.get('/', { recursive: true, sorted: true, now: T0 }),
    );
  });

  it('save/recover round-trips tree, index and TTLs; later writes behave the same', () => {
    const reqs = workload();
    const a = run(reqs).store;
    const restored = Store.recover(a.save());
    assert.equal(restored.index, a.index);
    assert.equal(restored.nextExpiration(), a.nextExpiration());
    assert.deepEqual(
      restored.get('/', { recursive: true, sorted: true, now: T0 }),
      a.get('/', { recursive: true, sorted: true, now: T0 }),
    );
    const tail: StoreRequest[] = [set('/after', 'x', { ttl: 1, time: T0 + 50_000 }), { op: 'sync', time: T0 + 1e9 }];
    const ea = tail.map((r) => JSON.stringify(a.apply(r)));
    const eb = tail.map((r) => JSON.stringify(restored.apply(r)));
    assert.deepEqual(eb, ea);
  });

  it('snapshot keeps unicode, empty values and hidden nodes', () => {
    const s = new Store();
    s.apply(set('/✓key/sp ace', 'a"b\\c<>&\u0001'));
    s.apply(set('/_h', ''));
    s.apply(set('/e', '', { dir: true }));
    const r = Store.recover(s.save());
    assert.equal(r.get('/✓key/sp ace', { now: T0 }).node.value, 'a"b\\c<>&\u0001');
    assert.equal(r.get('/_h', { now: T0 }).node.value, '');
    assert.equal(r.get('/e', { now: T0 }).node.dir, true);
    assert.throws(() => Store.recover(new Uint8Array([1, 2, 3])));
  });

  it('recovers 100k keys quickly', () => {
    const s = new Store();
    const value = 'x'.repeat(100);
    for (let i = 0; i < 100_000; i++) s.apply(set(`/load/${i}`, value));
    const t0 = performance.now();
    const data = s.save();
    const t1 = performance.now();
    const r = Store.recover(data);
    const t2 = performance.now();
    assert.equal(r.index, 100_000);
    assert.equal(r.get('/load/99999', { now: T0 }).node.value, value);
    // A loose bound only: this machine is shared, the number is printed below.
    assert.ok(t2 - t1 < 5000, `recover took ${(t2 - t1).toFixed(0)} ms`);
    console.log(`# snapshot 100k keys: ${(data.length / 1e6).toFixed(1)} MB, save ${(t1 - t0).toFixed(0)} ms, recover ${(t2 - t1).toFixed(0)} ms`);
  });
});

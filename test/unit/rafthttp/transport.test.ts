import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { MessageType, newMessage, type Message } from '../../../src/raft/messages.js';
import { idToHex } from '../../../src/rafthttp/peer-headers.js';
import { sampleMessages } from './sample-messages.js';
import { connectAll, retryUntil, startMembers, type TestMember } from './transport-harness.js';

const A = 0x8e9e05c52164694dn;
const B = 0x91bc3c398fb3c146n;
const C = 3n;
const CLUSTER = 0xcdf818194e3a8c32n;

function plain(m: Message): unknown {
  return {
    ...m,
    entries: m.entries.map((e) => ({ ...e, data: [...e.data] })),
    context: m.context ? [...m.context] : null,
    snapshot: m.snapshot ? { ...m.snapshot, data: [...m.snapshot.data] } : null,
  };
}

function app(from: bigint, to: bigint, index: number, data = new Uint8Array([index & 0xff])): Message {
  return newMessage({ type: MessageType.App, from, to, term: 1, index, entries: [{ term: 1, index: index + 1, type: 0, data }] });
}

/** Makes the two members peers and waits until a first append from A reached B. */
async function connectedPair(members: TestMember[]): Promise<void> {
  const [a, b] = members;
  connectAll(members);
  a!.transport.send([app(A, B, 1)]);
  await b!.waitFor(() => b!.received.length === 1, 'first message');
}

function rawPost(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, url), { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('messages of every kind round-trip intact between three members', async () => {
  const members = await startMembers([A, B, C], () => ({ clusterId: CLUSTER }));
  const [a, b, c] = members;
  try {
    connectAll(members);
    const toB = sampleMessages().filter((m) => !isLocal(m.type) && (m.type !== MessageType.Snap || m.snapshot)).map((m) => ({ ...m, from: A, to: B }));
    const toC = toB.map((m) => ({ ...m, to: C }));
    a.transport.send([...toB, ...toC]);
    await b.waitFor(() => b.received.length === toB.length, 'all messages at B');
    await c.waitFor(() => c.received.length === toC.length, 'all messages at C');
    // Snapshots travel in their own requests, so only the stream's order is fixed.
    const streamed = (ms: Message[]) => ms.filter((m) => m.type !== MessageType.Snap).map(plain);
    const snaps = (ms: Message[]) => ms.filter((m) => m.type === MessageType.Snap).map(plain)
      .sort((x, y) => JSON.stringify(x, (_k, v) => typeof v === 'bigint' ? String(v) : v).localeCompare(JSON.stringify(y, (_k, v) => typeof v === 'bigint' ? String(v) : v)));
    assert.deepEqual(streamed(b.received), streamed(toB));
    assert.deepEqual(streamed(c.received), streamed(toC));
    assert.deepEqual(snaps(b.received), snaps(toB));
    await a.waitFor(() => a.snapshotReports.length === 4, 'snapshot reports');
    assert.ok(a.snapshotReports.every((r) => r.ok));
    assert.deepEqual(a.unreachable, []);
    const stats = a.transport.stats();
    assert.equal(stats.sendAppendRequestCnt, 2 * toB.filter((m) => m.type === MessageType.App).length);
    assert.equal(b.transport.stats().recvAppendRequestCnt, toB.filter((m) => m.type === MessageType.App).length);
    assert.equal(b.transport.stats().recvMessages, toB.length);
    assert.ok(b.transport.activeSince(A) !== null);
    assert.equal(b.transport.activeSince(C), null);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

function isLocal(t: number): boolean {
  return t === MessageType.Hup || t === MessageType.Beat || t === MessageType.Unreachable
    || t === MessageType.SnapStatus || t === MessageType.CheckQuorum;
}

test('order is preserved for 10k messages sent in many batches', async () => {
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  try {
    connectAll(members);
    const total = 10_000;
    for (let i = 0; i < total; i += 100) {
      const batch: Message[] = [];
      for (let j = i; j < i + 100; j++) batch.push(app(A, B, j, new Uint8Array(64).fill(j & 0xff)));
      a.transport.send(batch);
      if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
    }
    await b.waitFor(() => b.received.length === total, '10k messages', 10_000);
    b.received.forEach((m, i) => {
      assert.equal(m.index, i);
      assert.equal(m.entries[0].data[63], i & 0xff);
    });
    assert.deepEqual(a.unreachable, []);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('messages are handed to the connection before send returns, ahead of whatever the caller does next', async () => {
  // The server sends a Ready's messages (the new commit index among them) and then applies its
  // committed entries, which can take milliseconds when many watchers are answered. Followers must
  // not wait for that.
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  try {
    connectAll(members);
    await retryUntil(() => a.transport.send([app(A, B, 0)]), () => b.received.length > 0, 'the stream to B to open');
    const before = a.transport.stats();
    a.transport.send([app(A, B, 1), app(A, B, 2)]);
    const after = a.transport.stats();
    assert.equal(after.sendAppendRequestCnt, before.sendAppendRequestCnt + 2, 'written within send, not at the end of the task');
    assert.ok(after.sendBytes > before.sendBytes);
    await b.waitFor(() => b.received.some((m) => m.index === 2), 'the two appends at B');
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('round trips of heartbeats and appends feed the follower stats', async () => {
  let t = 1000;
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER, now: () => t }));
  const [a, b] = members;
  try {
    connectAll(members);
    b.onMessage = (m) => {
      t += m.type === MessageType.Heartbeat ? 5 : 10;
      const type = m.type === MessageType.Heartbeat ? MessageType.HeartbeatResp : MessageType.AppResp;
      b.transport.send([newMessage({ type, from: B, to: A, index: m.entries.length ? m.entries[m.entries.length - 1].index : 0 })]);
    };
    a.transport.send([newMessage({ type: MessageType.Heartbeat, from: A, to: B })]);
    await a.waitFor(() => a.received.length === 1, 'heartbeat response');
    a.transport.send([app(A, B, 1)]);
    await a.waitFor(() => a.received.length === 2, 'append response');
    const s = a.transport.followerStats().get(B)!;
    assert.equal(s.counts.success, 2);
    assert.equal(s.counts.fail, 0);
    assert.equal(s.latency.minimum, 5);
    assert.equal(s.latency.maximum, 10);
    assert.equal(s.latency.average, 7.5);
    assert.equal(s.latency.standardDeviation, 2.5);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a member of another cluster is refused', async () => {
  const members = await startMembers([A, B], (id) => ({ clusterId: id === A ? CLUSTER : CLUSTER + 1n }));
  const [a, b] = members;
  try {
    connectAll(members);
    a.transport.send([app(A, B, 1)]);
    await a.waitFor(() => a.unreachable.includes(B), 'B unreachable at A');
    await b.waitFor(() => b.logs.some((l) => l.includes('cluster ID mismatch')), 'refusal logged at B');
    assert.equal(b.received.length, 0);
    assert.ok(a.logs.some((l) => l.includes('412')), a.logs.join('\n'));
    const res = await rawPost(b.url, '/raft/stream', {
      'x-etcd-cluster-id': idToHex(CLUSTER), 'x-server-from': idToHex(A), 'x-raft-to': idToHex(B), 'x-flotilla-raft-protocol': '1',
    });
    assert.equal(res.status, 412);
    assert.match(res.body, /cluster ID mismatch/);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a sender the receiver does not know (a removed member) is refused', async () => {
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  try {
    a.transport.addPeer(B, [b.url]);
    a.transport.send([app(A, B, 1)]);
    await a.waitFor(() => a.unreachable.includes(B), 'B unreachable at A');
    await b.waitFor(() => b.logs.some((l) => l.includes(`unknown member "${idToHex(A)}"`)), 'refusal logged at B');
    assert.equal(b.received.length, 0);
    // Once B knows A, the stream is accepted on the next attempt.
    b.transport.addPeer(A, [a.url]);
    await retryUntil(() => a.transport.send([app(A, B, 2)]), () => b.received.length > 0, 'delivery after B learned A');
    // Removing A at B closes A's stream and refuses it again.
    b.transport.removePeer(A);
    const before = a.unreachable.length;
    await retryUntil(() => a.transport.send([app(A, B, 3)]), () => a.unreachable.length > before, 'A told B is unreachable');
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a peer that goes down is reported unreachable, and reached again when it comes back', async () => {
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  try {
    await connectedPair(members);
    await b.goDown();
    await retryUntil(() => a.transport.send([app(A, B, 2)]), () => a.unreachable.includes(B), 'B unreachable at A');
    assert.equal(a.transport.isConnected(B), false);
    await retryUntil(() => a.transport.send([app(A, B, 2)]), () => a.transport.stats().droppedMessages > 0, 'messages dropped while B is down');
    assert.ok(a.transport.followerStats().get(B)!.counts.fail > 0);
    await b.comeBack();
    await retryUntil(() => a.transport.send([app(A, B, 3)]), () => b.received.some((m) => m.index === 3), 'delivery after B came back');
    assert.equal(a.transport.isConnected(B), true);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a peer that comes back and opens its stream is dialled at once, not after the backoff', async () => {
  // A's backoff is far longer than the test may take: only B's stream can make A try again.
  const members = await startMembers([A, B], (id) => ({ clusterId: CLUSTER, ...(id === A ? { backoffBaseMs: 60_000, backoffMaxMs: 60_000 } : {}) }));
  const [a, b] = members;
  try {
    await connectedPair(members);
    await b.goDown();
    await retryUntil(() => undefined, () => !a.transport.isConnected(B), 'A to lose its stream to B');
    await b.comeBack();
    // B restarted: its transport dials A afresh.
    b.transport.removePeer(A);
    b.transport.addPeer(A, [a.url]);
    await retryUntil(() => a.transport.send([app(A, B, 3)]), () => b.received.some((m) => m.index === 3), 'delivery from A once B is back', 20, 3000);
    assert.equal(a.transport.isConnected(B), true);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a peer whose port stops listening is reported down once per outage', async () => {
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  try {
    await connectedPair(members);
    assert.deepEqual(a.down, []);
    await b.goDown();
    await a.waitFor(() => a.down.length === 1, 'B reported down at A');
    assert.deepEqual(a.down, [B]);
    await b.comeBack();
    await retryUntil(() => a.transport.send([app(A, B, 2)]), () => b.received.some((m) => m.index === 2), 'delivery after B came back');
    assert.deepEqual(a.down, [B], 'refusals while B was away are one report');
    await b.goDown();
    await a.waitFor(() => a.down.length === 2, 'the second outage reported');
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a peer is reported down only when every one of its URLs refuses, not when a connection fails otherwise', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const probe = http.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as import('node:net').AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
  const hangUp = http.createServer((req) => req.socket.destroy());
  await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  try {
    b.transport.addPeer(A, [a.url]);
    a.transport.addPeer(B, [`http://127.0.0.1:${closedPort}`, b.url]);
    await a.waitFor(() => a.transport.isConnected(B), 'A connected to B through its second URL');
    assert.deepEqual(a.down, []);
    const hangUpPort = (hangUp.address() as import('node:net').AddressInfo).port;
    a.transport.addPeer(C, [`http://127.0.0.1:${hangUpPort}`]);
    await a.waitFor(() => a.logs.some((l) => l.includes(`peer ${idToHex(C)} unreachable`)), 'C hung up');
    await b.goDown();
    await a.waitFor(() => a.down.includes(B), 'B reported down once both URLs refused');
    assert.deepEqual(a.down, [B]);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
    hangUp.closeAllConnections();
    hangUp.close();
  }
});

test('a big snapshot is streamed and reported', async () => {
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER, maxMessageBytes: 1024 * 1024 }));
  const [a, b] = members;
  try {
    connectAll(members);
    const data = new Uint8Array(16 * 1024 * 1024 + 3);
    for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
    const digest = createHash('sha256').update(data).digest('hex');
    a.transport.send([newMessage({
      type: MessageType.Snap, from: A, to: B, term: 9,
      snapshot: { data, metadata: { index: 5000, term: 8, confState: { voters: [A, B] } } },
    })]);
    await a.waitFor(() => a.snapshotReports.length === 1, 'snapshot report', 20_000);
    assert.deepEqual(a.snapshotReports, [{ id: B, ok: true }]);
    assert.equal(b.received.length, 1);
    const got = b.received[0].snapshot!;
    assert.equal(got.data.length, data.length);
    assert.equal(createHash('sha256').update(got.data).digest('hex'), digest);
    assert.deepEqual(got.metadata, { index: 5000, term: 8, confState: { voters: [A, B] } });
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a snapshot to a peer that is down is reported failed', async () => {
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  try {
    connectAll(members);
    await b.goDown();
    a.transport.send([newMessage({
      type: MessageType.Snap, from: A, to: B,
      snapshot: { data: new Uint8Array(10), metadata: { index: 5, term: 1, confState: { voters: [A, B] } } },
    })]);
    await a.waitFor(() => a.snapshotReports.length === 1, 'snapshot report');
    assert.deepEqual(a.snapshotReports, [{ id: B, ok: false }]);
    assert.ok(a.unreachable.includes(B));
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('frames over the size limit are refused by the receiver and not sent by the sender', async () => {
  const members = await startMembers([A, B], (id) => ({ clusterId: CLUSTER, maxMessageBytes: id === A ? 1 << 20 : 1024 }));
  const [a, b] = members;
  try {
    connectAll(members);
    a.transport.send([app(A, B, 1), app(A, B, 2, new Uint8Array(4096)), app(A, B, 3)]);
    await b.waitFor(() => b.logs.some((l) => l.includes('exceeds the limit of 1024 bytes')), 'refusal logged at B');
    await a.waitFor(() => a.unreachable.includes(B), 'B unreachable at A');
    assert.deepEqual(b.received.map((m) => m.index), [1]);
    // The stream comes back for messages within the limit.
    await retryUntil(() => a.transport.send([app(A, B, 4)]), () => b.received.some((m) => m.index === 4), 'delivery after reconnect');
    // B's own limit keeps it from sending a big message at all.
    const before = b.unreachable.length;
    b.transport.send([app(B, A, 7, new Uint8Array(4096))]);
    assert.equal(b.unreachable.length, before + 1);
    assert.ok(b.logs.some((l) => l.includes('over the 1024-byte limit')));
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('paths outside the transport are left to the caller; wrong methods and paths are answered', async () => {
  const members = await startMembers([A], () => ({ clusterId: CLUSTER }));
  const [a] = members;
  try {
    assert.equal((await rawPost(a.url, '/members', {})).body, 'not a transport path\n');
    assert.equal((await rawPost(a.url, '/raft/nothing', {})).status, 404);
    const get = await new Promise<number>((resolve, reject) => {
      http.get(new URL('/raft/stream', a.url), (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    assert.equal(get, 405);
    assert.equal((await rawPost(a.url, '/raft/stream', {})).status, 412);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a peer that accepts the stream and then falls silent is taken for unreachable', async () => {
  const silent = http.createServer((req, res) => {
    res.writeHead(200);
    res.flushHeaders();
    req.resume();
  });
  silent.requestTimeout = 0;
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const members = await startMembers([A], () => ({ clusterId: CLUSTER, keepaliveMs: 20, idleTimeoutMs: 100 }));
  const [a] = members;
  try {
    const port = (silent.address() as import('node:net').AddressInfo).port;
    a.transport.addPeer(B, [`http://127.0.0.1:${port}`]);
    a.transport.send([app(A, B, 1)]);
    await a.waitFor(() => a.logs.some((l) => l.includes('nothing heard from')), 'silence detected');
    assert.ok(a.unreachable.includes(B));
  } finally {
    await Promise.all(members.map((m) => m.stop()));
    silent.closeAllConnections();
    silent.close();
  }
});

test('a stream on which the sender falls silent is closed by the receiver', async () => {
  const members = await startMembers([B], () => ({ clusterId: CLUSTER, keepaliveMs: 20, idleTimeoutMs: 100 }));
  const [b] = members;
  try {
    b.transport.addPeer(A, ['http://127.0.0.1:1']);
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request(new URL('/raft/stream', b.url), {
        method: 'POST',
        headers: { 'x-etcd-cluster-id': idToHex(CLUSTER), 'x-server-from': idToHex(A), 'x-raft-to': idToHex(B), 'x-flotilla-raft-protocol': '1' },
      }, (res) => {
        let alive = 0;
        res.on('data', (c: Buffer) => { alive += c.length; });
        res.on('close', () => resolve(`status ${res.statusCode}, ${alive > 0 ? 'keepalive bytes seen' : 'no keepalive'}`));
      });
      req.on('error', () => resolve('request error'));
      req.flushHeaders();
    });
    assert.equal(outcome, 'status 200, keepalive bytes seen');
    assert.ok(b.logs.some((l) => l.includes('nothing heard for 100 ms')), b.logs.join('\n'));
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a removed member is told so (410) and learns it was removed', async () => {
  let removedCalls = 0;
  const members = await startMembers([A, B], (id) => id === A
    ? { clusterId: CLUSTER, onRemovedFromCluster: () => { removedCalls++; } }
    : { clusterId: CLUSTER, isRemoved: (peer) => peer === A });
  const [a, b] = members;
  try {
    a.transport.addPeer(B, [b.url]);
    a.transport.send([app(A, B, 1)]);
    await a.waitFor(() => a.logs.some((l) => l.includes('was removed from the cluster')), 'removal noticed at A');
    assert.ok(a.logs.some((l) => l.includes('410')), a.logs.join('\n'));
    await retryUntil(() => a.transport.send([app(A, B, 2)]), () => a.unreachable.length >= 2, 'a second refusal');
    assert.equal(removedCalls, 1);
    assert.equal(b.received.length, 0);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

test('a peer whose URLs change is dialled at its new URL', async () => {
  const members = await startMembers([A, B], () => ({ clusterId: CLUSTER }));
  const [a, b] = members;
  const second = http.createServer((req, res) => { if (!b.transport.handle(req, res)) { res.writeHead(404); res.end(); } });
  second.requestTimeout = 0;
  try {
    await connectedPair(members);
    await new Promise<void>((resolve) => second.listen(0, '127.0.0.1', resolve));
    const moved = `http://127.0.0.1:${(second.address() as import('node:net').AddressInfo).port}`;
    await b.goDown();
    a.transport.updatePeer(B, [moved]);
    await retryUntil(() => a.transport.send([app(A, B, 2)]), () => b.received.some((m) => m.index === 2), 'delivery at the new URL');
    a.transport.send([app(A, B, 3)]);
    await b.waitFor(() => b.received.some((m) => m.index === 3), 'next message');
    const indexes = b.received.map((m) => m.index);
    assert.deepEqual(indexes.filter((i) => i !== 2), [1, 3]);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
    second.closeAllConnections();
    second.close();
  }
});

test('messages to a member that is not a peer are ignored with one log line', async () => {
  const members = await startMembers([A], () => ({ clusterId: CLUSTER }));
  const [a] = members;
  try {
    a.transport.send([app(A, 99n, 1), app(A, 99n, 2)]);
    a.transport.send([app(A, 99n, 3)]);
    assert.deepEqual(a.logs, ['ignored messages to unknown member 63']);
    assert.deepEqual(a.unreachable, []);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});

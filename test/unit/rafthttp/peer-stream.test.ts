import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageType, newMessage } from '../../../src/raft/messages.js';
import { Backoff } from '../../../src/rafthttp/backoff.js';
import { PeerDialer } from '../../../src/rafthttp/peer-dialer.js';
import { PeerStream } from '../../../src/rafthttp/peer-stream.js';

test('a flushed frame is handed to the kernel at once, not at the end of the task', async () => {
  // Node's client request corks its socket for every chunk of a chunked body until the end of the
  // task. The server sends a Ready's messages (the new commit index among them) before it applies
  // the committed entries, which can take milliseconds; the frames must not wait for that.
  const received: Buffer[] = [];
  const server = http.createServer((req, res) => {
    res.writeHead(200);
    res.flushHeaders();
    req.on('data', (c: Buffer) => received.push(c));
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const real = new PeerDialer(undefined);
  let request: http.ClientRequest | null = null;
  const dialer = {
    post: (...args: Parameters<PeerDialer['post']>) => (request = real.post(...args)),
  } as unknown as PeerDialer;
  let opened: () => void = () => undefined;
  const open = new Promise<void>((resolve) => { opened = resolve; });
  const stream = new PeerStream({
    localId: 1n, peerId: 2n, clusterId: 3n, dialer, urls: () => [url],
    backoff: new Backoff({ baseMs: 10, maxMs: 100, jitter: 0, random: () => 0 }),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    dialTimeoutMs: 2000, keepaliveMs: 1000, idleTimeoutMs: 5000,
    maxMessageBytes: 1 << 20, maxQueueBytes: 1 << 20,
    onWritten: () => {}, onDropped: () => {}, onOpen: () => opened(), onRemoved: () => {}, onBroken: () => {}, onRefused: () => {},
    log: () => {},
  });
  try {
    await open;
    const socket = request!.socket!;
    assert.ok(stream.enqueue(newMessage({ type: MessageType.Heartbeat, from: 1n, to: 2n, term: 1, commit: 9 })));
    stream.flush();
    assert.equal(socket.writableLength, 0, 'bytes still held by the socket after the flush');
    const before = received.length;
    await new Promise<void>((resolve) => { const check = () => (received.length > before ? resolve() : setImmediate(check)); check(); });
  } finally {
    stream.stop();
    server.closeAllConnections();
    server.close();
  }
});

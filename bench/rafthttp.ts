/**
 * The peer transport alone: two Transports in one process on loopback.
 *   node --import tsx bench/rafthttp.ts [--messages N] [--entry-bytes B] [--batches 1,16,256] [--round-trips N]
 * Streaming: N append messages of one entry each, handed to `send` in batches; measures messages/s
 * and MB/s until the receiver has all of them. Round trips: append then response, one at a time,
 * as a follower answering a leader; measures the mean round trip. Snapshot: one 64 MiB snapshot.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { MessageType, newMessage, type Message } from '../src/raft/messages.js';
import { Transport } from '../src/rafthttp/transport.js';
import { decodeMessage, encodedSize, encodeMessageInto } from '../src/rafthttp/message-codec.js';
import { FrameDecoder } from '../src/rafthttp/frame-decoder.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    'entry-bytes': { type: 'string', default: '100' },
    batches: { type: 'string', default: '1,16,256' },
    'round-trips': { type: 'string', default: '5000' },
    'snapshot-mib': { type: 'string', default: '64' },
    /** Also measure the alternative design: one POST per accumulated batch on a keep-alive socket. */
    'compare-post': { type: 'boolean', default: false },
  },
});
const messageCount = Number(values.messages);
const entryBytes = Number(values['entry-bytes']);
const batchSizes = values.batches.split(',').map(Number);
const roundTrips = Number(values['round-trips']);
const snapshotMiB = Number(values['snapshot-mib']);

const A = 1n;
const B = 2n;

interface Side {
  transport: Transport;
  server: http.Server;
  url: string;
  onMessage: (m: Message) => void;
  onSnapshot: (ok: boolean) => void;
}

async function side(id: bigint): Promise<Side> {
  const s = {} as Side;
  s.onMessage = () => {};
  s.onSnapshot = () => {};
  s.transport = new Transport({
    memberId: id, clusterId: 7n,
    receiver: {
      process: (m) => s.onMessage(m),
      reportUnreachable: (peer) => { throw new Error(`peer ${peer} unreachable during the benchmark`); },
      reportPeerDown: (peer) => { throw new Error(`peer ${peer} down during the benchmark`); },
      reportSnapshot: (_peer, ok) => s.onSnapshot(ok),
    },
  });
  s.server = http.createServer((req, res) => {
    if (!s.transport.handle(req, res)) { res.writeHead(404); res.end(); }
  });
  s.server.requestTimeout = 0;
  await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
  s.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
  return s;
}

function app(index: number, data: Uint8Array): Message {
  return newMessage({
    type: MessageType.App, from: A, to: B, term: 2, logTerm: 2, index, commit: index,
    entries: [{ term: 2, index: index + 1, type: 0, data }],
  });
}

async function streaming(a: Side, b: Side, batch: number): Promise<void> {
  const data = new Uint8Array(entryBytes).fill(120);
  const frameBytes = encodedSize(app(0, data)) + 4;
  let received = 0;
  let lastIndex = -1;
  const done = new Promise<void>((resolve) => {
    b.onMessage = (m) => {
      if (m.index !== lastIndex + 1) throw new Error(`out of order: ${m.index} after ${lastIndex}`);
      lastIndex = m.index;
      if (++received === messageCount) resolve();
    };
  });
  const start = process.hrtime.bigint();
  let next = 0;
  // Hand over about 1024 messages (at least one batch) per turn of the event loop, as a server does
  // with its Readies, and
  // keep at most ~64k messages waiting so the queue limit is not what is measured.
  while (next < messageCount) {
    const inFlight = next - received;
    if (inFlight < 65_536) {
      const end = Math.min(messageCount, next + batch);
      const msgs: Message[] = [];
      for (let i = next; i < end; i++) msgs.push(app(i, data));
      a.transport.send(msgs);
      next = end;
    }
    if (next % Math.max(1024, batch) === 0 || inFlight >= 65_536) await new Promise((r) => setImmediate(r));
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = messageCount / seconds;
  console.log(`stream  batch ${String(batch).padStart(5)}: ${Math.round(rate).toLocaleString('en-US').padStart(11)} msg/s  ${(rate * frameBytes / 1e6).toFixed(1).padStart(7)} MB/s  (${messageCount} messages of ${entryBytes}-byte entries, ${seconds.toFixed(2)} s)`);
}

async function pingPong(a: Side, b: Side): Promise<void> {
  const data = new Uint8Array(entryBytes).fill(120);
  b.onMessage = (m) => b.transport.send([newMessage({ type: MessageType.AppResp, from: B, to: A, term: 2, index: m.index + 1 })]);
  let i = 0;
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    a.onMessage = () => {
      if (++i === roundTrips) resolve();
      else a.transport.send([app(i, data)]);
    };
    a.transport.send([app(0, data)]);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`round trip append/response: ${(seconds / roundTrips * 1e6).toFixed(0)} µs mean over ${roundTrips} (${Math.round(roundTrips / seconds)} per second)`);
}

async function snapshot(a: Side, b: Side): Promise<void> {
  const data = new Uint8Array(snapshotMiB * 1024 * 1024).fill(7);
  let got = 0;
  b.onMessage = (m) => { got = m.snapshot?.data.length ?? 0; };
  const start = process.hrtime.bigint();
  const ok = await new Promise<boolean>((resolve) => {
    a.onSnapshot = resolve;
    a.transport.send([newMessage({
      type: MessageType.Snap, from: A, to: B, term: 2,
      snapshot: { data, metadata: { index: 1000, term: 2, confState: { voters: [A, B] } } },
    })]);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!ok || got !== data.length) throw new Error('snapshot not delivered');
  console.log(`snapshot ${snapshotMiB} MiB: ${seconds.toFixed(2)} s, ${(data.length / seconds / 1e6).toFixed(0)} MB/s`);
}

/**
 * The design not taken, for comparison: whatever accumulated while the previous POST was in flight
 * goes out as the body of the next POST on one keep-alive connection (a round trip per batch).
 */
async function postPerBatch(batch: number): Promise<void> {
  const data = new Uint8Array(entryBytes).fill(120);
  const frameBytes = encodedSize(app(0, data)) + 4;
  let received = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const server = http.createServer((req, res) => {
    const decoder = new FrameDecoder(64 << 20);
    req.on('data', (chunk: Buffer) => decoder.push(chunk, (f) => {
      decodeMessage(f);
      if (++received === messageCount) resolveDone();
    }));
    req.on('end', () => { res.writeHead(204); res.end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/batch`;
  let queue: Message[] = [];
  let inFlight = false;
  const post = () => {
    if (inFlight || queue.length === 0) return;
    const msgs = queue;
    queue = [];
    let total = 0;
    for (const m of msgs) total += encodedSize(m) + 4;
    const buf = Buffer.allocUnsafe(total);
    let off = 0;
    for (const m of msgs) {
      off = buf.writeUInt32BE(encodedSize(m), off);
      off = encodeMessageInto(m, buf, off);
    }
    inFlight = true;
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-length': String(total) } }, (res) => {
      res.resume();
      res.on('end', () => { inFlight = false; post(); });
    });
    req.on('error', (err) => { throw err; });
    req.end(buf);
  };
  const start = process.hrtime.bigint();
  let next = 0;
  while (next < messageCount) {
    if (next - received < 65_536) {
      const end = Math.min(messageCount, next + batch);
      for (let i = next; i < end; i++) queue.push(app(i, data));
      next = end;
      post();
    }
    if (next % Math.max(1024, batch) === 0 || next - received >= 65_536) await new Promise((r) => setImmediate(r));
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = messageCount / seconds;
  while (inFlight) await new Promise((r) => setImmediate(r));
  console.log(`POST per batch ${String(batch).padStart(5)}: ${Math.round(rate).toLocaleString('en-US').padStart(11)} msg/s  ${(rate * frameBytes / 1e6).toFixed(1).padStart(7)} MB/s`);
  agent.destroy();
  server.closeAllConnections();
  server.close();
}

const a = await side(A);
const b = await side(B);
a.transport.addPeer(B, [b.url]);
b.transport.addPeer(A, [a.url]);
try {
  for (const batch of batchSizes) await streaming(a, b, batch);
  if (values['compare-post']) for (const batch of batchSizes) await postPerBatch(batch);
  await pingPong(a, b);
  if (snapshotMiB > 0) await snapshot(a, b);
} finally {
  await a.transport.stop();
  await b.transport.stop();
  for (const s of [a, b]) {
    s.server.closeAllConnections();
    s.server.close();
  }
}

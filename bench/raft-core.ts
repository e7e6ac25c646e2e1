/**
 * The Raft core alone: 3 members wired by an in-memory queue, no disk, no network, no clock.
 * Measures committed entries per second when proposals arrive in batches (also per CPU-second of
 * this process, which stays meaningful when the machine is busy with other work).
 *   node --import tsx bench/raft-core.ts [--seconds S] [--batches 1,16,256,4096]
 */
import { parseArgs } from 'node:util';
import { RaftNode } from '../src/raft/node.js';
import { MemoryStorage } from '../src/raft/memory-storage.js';
import { initialClusterLog } from '../src/raft/initial-cluster.js';
import { decodeConfChange } from '../src/raft/conf-change.js';
import { EntryType, type Message } from '../src/raft/messages.js';
import { StateType } from '../src/raft/raft.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    batches: { type: 'string', default: '1,16,256,4096' },
    payload: { type: 'string', default: '100' },
  },
});
const seconds = Number(values.seconds);
const batchSizes = values.batches.split(',').map(Number);
const payloadSize = Number(values.payload);

class LcgRandom {
  private s = 12345;
  intn(n: number): number {
    this.s = (Math.imul(this.s, 1103515245) + 12345) >>> 0;
    return this.s % n;
  }
}

interface Member {
  id: bigint;
  node: RaftNode;
  storage: MemoryStorage;
  applied: number;
}

function makeCluster(): Member[] {
  const ids = [1n, 2n, 3n];
  const boot = initialClusterLog(ids);
  return ids.map((id) => {
    const storage = new MemoryStorage();
    storage.append(boot.entries);
    storage.setHardState(boot.hardState);
    const node = new RaftNode({
      id,
      storage,
      random: new LcgRandom(),
      electionTick: 10,
      heartbeatTick: 1,
      maxInflightMsgs: 256,
      maxSizePerMsg: 4 * 1024 * 1024,
    });
    return { id, node, storage, applied: 0 };
  });
}

/** Handles every Ready until the cluster is quiet; returns entries the leader applied. */
function pump(members: Member[], byId: Map<bigint, Member>, queue: Message[]): number {
  let appliedAtLeader = 0;
  for (;;) {
    let progressed = false;
    for (const m of members) {
      const n = m.node;
      if (!n.hasReady()) continue;
      progressed = true;
      const rd = n.ready();
      if (rd.entries.length > 0) m.storage.append(rd.entries);
      if (rd.hardState) m.storage.setHardState(rd.hardState);
      for (let i = 0; i < rd.messages.length; i++) queue.push(rd.messages[i]!);
      const ce = rd.committedEntries;
      for (let i = 0; i < ce.length; i++) {
        const e = ce[i]!;
        if (e.type === EntryType.ConfChange) n.applyConfChange(decodeConfChange(e.data));
      }
      if (ce.length > 0) {
        m.applied = ce[ce.length - 1]!.index;
        if (m.id === 1n) appliedAtLeader += ce.length;
      }
      n.advance();
    }
    if (queue.length > 0) {
      progressed = true;
      const batch = queue.splice(0, queue.length);
      for (const msg of batch) byId.get(msg.to)!.node.step(msg);
    }
    if (!progressed) return appliedAtLeader;
  }
}

function compact(members: Member[]): void {
  for (const m of members) {
    const upTo = m.applied - 1000;
    if (upTo > m.storage.firstIndex()) {
      m.storage.createSnapshot(upTo, undefined, new Uint8Array(0));
      m.storage.compact(upTo);
    }
  }
}

function run(batch: number): { perSecond: number; perCpuSecond: number; committed: number; elapsed: number } {
  const members = makeCluster();
  const byId = new Map(members.map((m) => [m.id, m]));
  const queue: Message[] = [];
  pump(members, byId, queue);
  members[0]!.node.campaign();
  pump(members, byId, queue);
  if (members[0]!.node.status().state !== StateType.Leader) throw new Error('member 1 did not become leader');
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < batch; i++) payloads.push(new Uint8Array(payloadSize).fill(i & 0xff));
  const leader = members[0]!.node;
  let committed = 0;
  let rounds = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  for (;;) {
    if (!leader.proposeMany(payloads)) throw new Error('proposal dropped');
    committed += pump(members, byId, queue);
    // Keep about 1000 entries per member, as a server compacting behind its snapshots would.
    if (members[0]!.applied - members[0]!.storage.firstIndex() > 4096) compact(members);
    if (++rounds % 16 === 0 && process.hrtime.bigint() > deadline) break;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { perSecond: committed / elapsed, perCpuSecond: committed / cpuSeconds, committed, elapsed };
}

console.log(`raft core, 3 members in memory, ${payloadSize}-byte entries, ${seconds}s per batch size`);
for (const b of batchSizes) {
  run(b); // warm-up
  const r = run(b);
  console.log(
    `batch=${String(b).padStart(5)}  committed=${String(r.committed).padStart(9)}  ${Math.round(r.perSecond).toLocaleString('en-US').padStart(11)} entries/s  (${Math.round(r.perCpuSecond).toLocaleString('en-US')} per CPU-second)`,
  );
}

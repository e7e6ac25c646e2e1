/**
 * A cluster of etcd processes on loopback for tests: Flotilla's own or the reference etcd 3.4, with
 * etcd 3.4's static-bootstrap command line. Members reach each other only through fault proxies
 * (each member advertises its proxy's URL as its peer URL), so a test can cut, delay and make
 * one-way the links between members. Everything it starts is stopped by `stop()`.
 * With `direct: true` there are no proxies: members talk to each other's peer ports straight away
 * (for benchmarks, where a proxy in the test process would add a hop and compete for its CPU), and
 * the link faults (partition, isolate, dropOneWay, slowLinks) are not available.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotillaCommand, type EtcdImpl } from './etcd-process.js';
import { FaultProxy } from './fault-proxy.js';

export interface ClusterOptions {
  impl: EtcdImpl;
  /** Number of members started together (static bootstrap). */
  size: number;
  token?: string;
  /** --heartbeat-interval and --election-timeout in ms (default 50 and 500). */
  heartbeatMs?: number;
  electionMs?: number;
  /** --snapshot-count, when set. */
  snapshotCount?: number;
  /** More flags for every member. */
  extraArgs?: string[];
  /** Bound on the wait for the whole cluster to serve quorum reads (default 30 s). */
  startTimeoutMs?: number;
  /** Keep the data and log directory after stop() (also when CLUSTER_KEEP=1). */
  keep?: boolean;
  /** Members connect to each other's peer ports directly, without fault proxies (default false). */
  direct?: boolean;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** One HTTP exchange on a fresh connection; rejects on transport errors and after `timeoutMs`. */
export function httpRequest(
  method: string,
  url: string,
  options: { body?: string; contentType?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(options.body);
    }
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(options.body);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every `everyMs` until it returns a value that is not undefined; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await delay(everyMs);
  }
}

/** The lowest port the OS hands out for outgoing connections (from ip_local_port_range). */
function ephemeralFloor(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 2048 ? first : 32768;
  } catch {
    return 32768;
  }
}

/** Ports handed out by this process, never handed out twice. */
const portsGiven = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free loopback port for a member to listen on, chosen below the range the OS uses for outgoing
 * connections: a member's port must still be free when the member (re)starts, and in a busy
 * cluster an outgoing connection can take an ephemeral port that was free a moment before.
 * (Ports 24000-24999 are left to the conformance harness's reference etcd.)
 */
export async function memberPort(): Promise<number> {
  const high = Math.min(ephemeralFloor(), 32768) - 1;
  const low = 10000;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (port >= 24000 && port <= 24999) continue;
    if (portsGiven.has(port)) continue;
    if (await canListen(port)) {
      portsGiven.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${low} and ${high}`);
}

/** Every member process still alive, killed when this process exits however it exits. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    const killAll = (): void => {
      for (const c of liveChildren) c.kill('SIGKILL');
    };
    process.once('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        killAll();
        // With nobody else listening, end as the signal would have without this hook.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    }
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** The inode of the TCP socket whose local port is `localPort` and remote port `remotePort`, from /proc/net. */
async function socketInode(localPort: number, remotePort: number): Promise<string | null> {
  const hex = (p: number): string => p.toString(16).toUpperCase().padStart(4, '0');
  const local = `:${hex(localPort)}`;
  const remote = `:${hex(remotePort)}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (cols[1]!.endsWith(local) && cols[2]!.endsWith(remote)) return cols[9]!;
    }
  }
  return null;
}

/** Which of `pids` holds the socket with inode `inode`, or null. */
async function pidHoldingSocket(inode: string, pids: readonly number[]): Promise<number | null> {
  const wanted = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if ((await readlink(`/proc/${pid}/fd/${fd}`)) === wanted) return pid;
      } catch {
        // the descriptor closed meanwhile
      }
    }
  }
  return null;
}

/** A member of the cluster: its process (when running), ports, proxy and data. */
export class ClusterMember {
  child: ChildProcess | null = null;
  paused = false;
  /** Set once the member was removed from the cluster. */
  removed = false;
  /** Member ID (hex) as the cluster reports it, once known. */
  id: string | null = null;

  constructor(
    readonly name: string,
    readonly clientURL: string,
    /** The URL peers use: the member's fault proxy (its own peer URL when the cluster is direct). */
    readonly peerURL: string,
    /** Where the member really listens for peers. */
    readonly listenPeerURL: string,
    readonly dataDir: string,
    readonly logFile: string,
    /** null when the cluster was started with `direct: true`. */
    readonly proxy: FaultProxy | null,
    /** The command line, set when the member is first launched (restarts reuse it). */
    public argv: { cmd: string; args: string[] },
  ) {}

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last `lines` lines of the member's log. */
  logTail(lines = 30): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
  }
}

interface StatsSelf {
  id?: string;
  name?: string;
  state?: string;
  leaderInfo?: { leader?: string };
}

export class Cluster {
  readonly members: ClusterMember[] = [];
  private nextOrdinal = 0;
  private stopped = false;
  /** Set by preserve(): stop() leaves the data and logs on disk. */
  private preserved = false;

  private constructor(
    readonly options: ClusterOptions,
    readonly rootDir: string,
    readonly token: string,
  ) {}

  /** Starts `size` members together; resolves once every one of them serves quorum reads. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const root = mkdtempSync(join(tmpdir(), 'flotilla-cluster-'));
    const token = options.token ?? `flotilla-test-${process.pid}-${Date.now()}`;
    const cluster = new Cluster(options, root, token);
    try {
      const members: ClusterMember[] = [];
      for (let i = 0; i < options.size; i++) members.push(await cluster.prepareMember());
      const initialCluster = members.map((m) => `${m.name}=${m.peerURL}`).join(',');
      for (const m of members) m.argv = cluster.commandLine(m, initialCluster, 'new');
      for (const m of members) cluster.launch(m);
      await Promise.all(members.map((m) => cluster.waitServing(m, options.startTimeoutMs ?? 30_000)));
      await cluster.learnIds();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Allocates ports, directories and the proxy of a new member (not started). */
  private async prepareMember(): Promise<ClusterMember> {
    const name = `m${this.nextOrdinal++}`;
    const dir = join(this.rootDir, name);
    mkdirSync(dir, { recursive: true });
    const clientPort = await memberPort();
    const peerPort = await memberPort();
    const listenPeerURL = `http://127.0.0.1:${peerPort}`;
    const proxy = this.options.direct ? null : await FaultProxy.start({ targetPort: peerPort, identify: (s) => this.identify(s) });
    const member = new ClusterMember(
      name,
      `http://127.0.0.1:${clientPort}`,
      proxy?.url ?? listenPeerURL,
      listenPeerURL,
      join(dir, 'data'),
      join(dir, 'member.log'),
      proxy,
      { cmd: '', args: [] },
    );
    this.members.push(member);
    return member;
  }

  private commandLine(m: ClusterMember, initialCluster: string, state: 'new' | 'existing'): { cmd: string; args: string[] } {
    const o = this.options;
    const args = [
      '--enable-v2',
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientURL,
      '--advertise-client-urls', m.clientURL,
      '--listen-peer-urls', m.listenPeerURL,
      '--initial-advertise-peer-urls', m.peerURL,
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', state,
      '--initial-cluster-token', this.token,
      '--heartbeat-interval', String(o.heartbeatMs ?? 50),
      '--election-timeout', String(o.electionMs ?? 500),
      ...(o.snapshotCount !== undefined ? ['--snapshot-count', String(o.snapshotCount)] : []),
      ...(o.extraArgs ?? []),
    ];
    const base = o.impl === 'flotilla' ? flotillaCommand() : { cmd: process.env.ETCD_BIN ?? '/usr/bin/etcd', args: [] };
    return { cmd: base.cmd, args: [...base.args, ...args] };
  }

  private launch(m: ClusterMember): void {
    const out = openSync(m.logFile, 'a');
    const child = spawn(m.argv.cmd, m.argv.args, { stdio: ['ignore', out, out] });
    closeSync(out);
    child.on('error', () => undefined);
    track(child);
    m.child = child;
    m.paused = false;
  }

  /** Names the member whose process opened `socket` to a proxy (by the socket's owner in /proc). */
  private async identify(socket: net.Socket): Promise<string | null> {
    const remotePort = socket.remotePort;
    const localPort = socket.localPort;
    if (remotePort === undefined || localPort === undefined) return null;
    const running = this.members.filter((m) => m.running);
    for (let attempt = 0; attempt < 3; attempt++) {
      const inode = await socketInode(remotePort, localPort);
      if (inode !== null && inode !== '0') {
        const pid = await pidHoldingSocket(inode, running.map((m) => m.pid));
        const owner = running.find((m) => m.pid === pid);
        if (owner) return owner.name;
      }
      await delay(5);
    }
    return null;
  }

  /** Resolves once `m` answers a quorum read; throws if its process exits or the time runs out. */
  async waitServing(m: ClusterMember, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!m.running) {
        throw new Error(`${m.name} exited (code ${m.child?.exitCode}, signal ${m.child?.signalCode}); log:\n${m.logTail(15)}`);
      }
      const r = await httpRequest('GET', `${m.clientURL}/v2/keys/?quorum=true`, { timeoutMs: 1000 }).catch(() => null);
      if (r?.status === 200) return;
      if (Date.now() >= deadline) throw new Error(`${m.name} did not serve quorum reads within ${timeoutMs} ms; log:\n${m.logTail(15)}`);
      await delay(50);
    }
  }

  private async learnIds(): Promise<void> {
    for (const m of this.members) {
      if (!m.running || m.paused) continue;
      const r = await httpRequest('GET', `${m.clientURL}/v2/stats/self`).catch(() => null);
      const s = r?.json as StatsSelf | undefined;
      if (s?.id) m.id = s.id;
    }
  }

  /** Members that are running, not paused and not removed. */
  live(): ClusterMember[] {
    return this.members.filter((m) => m.running && !m.paused && !m.removed);
  }

  /** Index of members[] for `m`. */
  indexOf(m: ClusterMember): number {
    return this.members.indexOf(m);
  }

  /**
   * The index of the current leader: a member that calls itself leader and that a majority of the
   * reachable members follow. Waits (bounded) until there is one, and with `notIndex` until it is
   * another member than that one (after the old leader was killed, paused or cut off).
   */
  async leader(timeoutMs = 10_000, notIndex?: number): Promise<number> {
    return waitFor(notIndex === undefined ? 'a leader' : `a leader other than ${this.members[notIndex]?.name}`, timeoutMs, async () => {
      const live = this.live();
      const answers = await Promise.all(
        live.map((m) => httpRequest('GET', `${m.clientURL}/v2/stats/self`, { timeoutMs: 500 }).then((r) => r.json as StatsSelf).catch(() => null)),
      );
      const votes = new Map<string, number>();
      live.forEach((m, i) => {
        const s = answers[i];
        if (s?.id) m.id = s.id;
        const l = s?.leaderInfo?.leader;
        if (l) votes.set(l, (votes.get(l) ?? 0) + 1);
      });
      const voters = this.members.filter((m) => !m.removed).length;
      for (let i = 0; i < live.length; i++) {
        const s = answers[i];
        const index = this.indexOf(live[i]!);
        if (index === notIndex) continue;
        if (s?.state === 'StateLeader' && s.id && (votes.get(s.id) ?? 0) > voters / 2) return index;
      }
      return undefined;
    });
  }

  /** Index of some live member that is not the leader. */
  async follower(): Promise<number> {
    const l = await this.leader();
    const f = this.live().find((m) => this.indexOf(m) !== l);
    if (!f) throw new Error('no live follower');
    return this.indexOf(f);
  }

  /** SIGKILL; keeps the data dir for restart(). */
  async kill9(i: number): Promise<void> {
    const m = this.members[i]!;
    const child = m.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    m.child = null;
    m.paused = false;
  }

  /** SIGTERM, a graceful stop; SIGKILL if the member has not exited within `timeoutMs`. Keeps the data dir. */
  async terminate(i: number, timeoutMs = 15_000): Promise<void> {
    const child = this.members[i]!.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited(child);
    clearTimeout(timer);
    await this.kill9(i);
  }

  /** Starts member i again on its data dir (kills it first if running); waits until it serves. */
  async restart(i: number, timeoutMs = 20_000): Promise<void> {
    const m = this.members[i]!;
    if (m.child) await this.kill9(i);
    this.launch(m);
    await this.waitServing(m, timeoutMs);
  }

  /** Starts member i again without waiting for it to serve. */
  relaunch(i: number): void {
    const m = this.members[i]!;
    if (m.running) return;
    this.launch(m);
  }

  pause(i: number): void {
    const m = this.members[i]!;
    if (m.running && !m.paused) {
      m.child!.kill('SIGSTOP');
      m.paused = true;
    }
  }

  resume(i: number): void {
    const m = this.members[i]!;
    if (m.running && m.paused) {
      m.child!.kill('SIGCONT');
      m.paused = false;
    }
  }

  /** Cuts every link between members of different groups (indexes), both ways. */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Map<number, number>();
    groups.forEach((g, gi) => g.forEach((i) => groupOf.set(i, gi)));
    for (let a = 0; a < this.members.length; a++) {
      for (let b = 0; b < this.members.length; b++) {
        if (a === b) continue;
        const ga = groupOf.get(a);
        const gb = groupOf.get(b);
        if (ga !== undefined && gb !== undefined && ga !== gb) this.proxyOf(b).cut(this.members[a]!.name);
      }
    }
  }

  /** Cuts member i off from every other member, both ways. */
  isolate(i: number): void {
    const others = this.members.map((_, j) => j).filter((j) => j !== i);
    this.partition([[i], others]);
  }

  /** Messages from member `from` stop reaching member `to`; the other direction still works. */
  dropOneWay(from: number, to: number): void {
    const f = this.members[from]!;
    const t = this.members[to]!;
    // Bytes from `from` arrive at `to` either on connections `from` opened to `to`'s proxy ...
    this.proxyOf(to).drop(f.name, 'in');
    // ... or as answers on connections `to` opened to `from`'s proxy.
    this.proxyOf(from).drop(t.name, 'out');
  }

  /** Delays every byte on links into and out of member i. */
  slowLinks(i: number, ms: number): void {
    const m = this.members[i]!;
    this.proxyOf(i).delay('*', ms);
    this.members.forEach((other, j) => {
      if (other !== m) this.proxyOf(j).delay(m.name, ms);
    });
  }

  /** Restores every link. */
  heal(): void {
    for (const m of this.members) m.proxy?.heal();
  }

  /** The fault proxy in front of member i; link faults need one, so a direct cluster has none to offer. */
  private proxyOf(i: number): FaultProxy {
    const proxy = this.members[i]!.proxy;
    if (!proxy) throw new Error('this cluster was started with direct: true, without fault proxies; link faults are not available');
    return proxy;
  }

  /** The JSON of GET /v2/members from a live member. */
  async memberList(): Promise<{ id: string; name: string; peerURLs: string[]; clientURLs: string[] }[]> {
    for (const m of this.live()) {
      const r = await httpRequest('GET', `${m.clientURL}/v2/members`).catch(() => null);
      const body = r?.json as { members?: { id: string; name: string; peerURLs: string[]; clientURLs: string[] }[] } | undefined;
      if (r?.status === 200 && body?.members) return body.members;
    }
    throw new Error('no live member answered GET /v2/members');
  }

  /**
   * Adds a member at runtime: POST /v2/members with its (proxy) peer URL, then starts it with
   * --initial-cluster-state existing. Resolves with its index once it serves quorum reads.
   */
  async addMember(timeoutMs = 30_000): Promise<number> {
    const m = await this.prepareMember();
    const leader = this.members[await this.leader()]!;
    const r = await this.reconfigure(() => httpRequest('POST', `${leader.clientURL}/v2/members`, {
      body: JSON.stringify({ peerURLs: [m.peerURL] }),
      contentType: 'application/json',
      timeoutMs: 10_000,
    }));
    if (r.status !== 201) throw new Error(`POST /v2/members answered ${r.status}: ${r.text}`);
    m.id = (r.json as { id?: string } | undefined)?.id ?? null;
    // The new member starts with the whole member list, itself included (as `etcdctl member add`
    // prints it); an entry without a name is the member not started yet.
    const list = await waitFor(`the member list to show ${m.peerURL}`, 10_000, async () => {
      const l = await this.memberList();
      return l.some((x) => x.peerURLs.includes(m.peerURL)) ? l : undefined;
    });
    const initialCluster = list
      .map((x) => `${x.peerURLs.includes(m.peerURL) ? m.name : x.name}=${x.peerURLs.join(`,${x.peerURLs.includes(m.peerURL) ? m.name : x.name}=`)}`)
      .join(',');
    m.argv = this.commandLine(m, initialCluster, 'existing');
    this.launch(m);
    await this.waitServing(m, timeoutMs);
    return this.indexOf(m);
  }

  /**
   * Sends a membership change, again while it is refused with 500: etcd refuses reconfiguration
   * until the members have been connected for a few seconds ("unhealthy cluster").
   */
  private async reconfigure(send: () => Promise<HttpAnswer>, timeoutMs = 20_000): Promise<HttpAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await send();
      if (r.status !== 500 || Date.now() >= deadline) return r;
      await delay(250);
    }
  }

  /** DELETE /v2/members/<id of member i>, sent to another live member. */
  async removeMember(i: number): Promise<void> {
    const m = this.members[i]!;
    if (m.id === null) await this.learnIds();
    if (m.id === null) throw new Error(`the ID of ${m.name} is not known`);
    const via = this.live().find((x) => x !== m);
    if (!via) throw new Error('no other live member to send the removal to');
    const r = await this.reconfigure(() => httpRequest('DELETE', `${via.clientURL}/v2/members/${m.id}`, { timeoutMs: 10_000 }));
    if (r.status !== 204) throw new Error(`DELETE /v2/members/${m.id} answered ${r.status}: ${r.text}`);
    m.removed = true;
  }

  /** Keeps the data and log directory (rootDir) when the cluster stops, e.g. after a failure. */
  preserve(): void {
    this.preserved = true;
  }

  /** Stops every process and proxy (SIGKILL, bounded) and removes the data unless kept. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(
      this.members.map(async (m) => {
        const child = m.child;
        if (child) {
          child.kill('SIGKILL');
          await Promise.race([exited(child), delay(5000)]);
          m.child = null;
        }
        await m.proxy?.close();
      }),
    );
    if (!this.preserved && !(this.options.keep ?? false) && process.env.CLUSTER_KEEP !== '1') rmSync(this.rootDir, { recursive: true, force: true });
  }
}

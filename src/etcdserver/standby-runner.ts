/**
 * Runs a 0.4 standby: drives the `StandbySync` state machine with timers and HTTP. A sync reads
 * `GET <peer>/v2/admin/machines` and `GET <peer>/v2/admin/config` from the first peer that answers
 * both; a join is handed to the caller (`join`), which asks the cluster to add this machine and
 * restarts it as a member; once that resolves, `onPeer` is told and the runner stops.
 *
 * Time, timers and fetching are injected so tests drive it without waiting.
 */
import { adminConfigUpdateFrom, applyAdminConfigUpdate, DEFAULT_ADMIN_CONFIG, type AdminConfig } from './admin-config.js';
import { parseMachineList, type ClusterMachine } from './standby-machines.js';
import type { MachineIdentity } from './standby-role.js';
import { StandbySync, type StandbyAction } from './standby-sync.js';

export interface StandbyTimer {
  cancel(): void;
}

export interface StandbyRunnerOptions {
  readonly self: MachineIdentity;
  readonly seedPeerURLs: readonly string[];
  /** Seconds until the cluster says otherwise. */
  readonly syncInterval: number;
  readonly machines?: readonly ClusterMachine[];
  /** Asks the cluster (through `leader`) to add this machine and starts it as a member. */
  readonly join: (leader: ClusterMachine, listed: boolean) => Promise<void>;
  /** Called once, after a successful join. */
  readonly onPeer?: () => void;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => StandbyTimer;
  /** GET a URL; resolves with status and body text. */
  readonly fetchText?: (url: string) => Promise<{ status: number; text: string }>;
}

/** What a sync learns: the machine list and the cluster's configuration. */
export interface ClusterView {
  readonly machines: ClusterMachine[];
  readonly config: AdminConfig;
}

/**
 * `GET <peer>/v2/admin/machines` and `GET <peer>/v2/admin/config` from the first of these peer URLs
 * that answers both with 200; null when none does.
 */
export async function fetchClusterView(
  peerURLs: readonly string[],
  fetchText: (url: string) => Promise<{ status: number; text: string }> = defaultFetchText,
): Promise<ClusterView | null> {
  for (const url of peerURLs) {
    const base = url.endsWith('/') ? url.slice(0, -1) : url;
    try {
      const [m, c] = await Promise.all([fetchText(`${base}/v2/admin/machines`), fetchText(`${base}/v2/admin/config`)]);
      if (m.status !== 200 || c.status !== 200) continue;
      const machines = parseMachineList(m.text);
      const config = applyAdminConfigUpdate(DEFAULT_ADMIN_CONFIG, adminConfigUpdateFrom(JSON.parse(c.text)));
      return { machines, config };
    } catch {
      // try the next peer
    }
  }
  return null;
}

async function defaultFetchText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

function defaultSetTimer(fn: () => void, ms: number): StandbyTimer {
  const t = setTimeout(fn, Math.max(0, ms));
  return { cancel: () => clearTimeout(t) };
}

export class StandbyRunner {
  private readonly sync: StandbySync;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => StandbyTimer;
  private readonly fetchText: (url: string) => Promise<{ status: number; text: string }>;
  private timer: StandbyTimer | null = null;
  private stopped = false;

  constructor(private readonly options: StandbyRunnerOptions) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? defaultSetTimer;
    this.fetchText = options.fetchText ?? defaultFetchText;
    this.sync = new StandbySync({
      self: options.self,
      seedPeerURLs: options.seedPeerURLs,
      syncInterval: options.syncInterval,
      now: this.now(),
      machines: options.machines,
    });
  }

  /** The leader's client URL for the standby's client port, or null when no leader is known. */
  leaderClientURL(): string | null {
    const url = this.sync.leader()?.clientURL;
    return url === undefined || url === '' ? null : url;
  }

  /** Peer URLs of the cluster as last learned (then the seeds), never this machine's own. */
  knownPeerURLs(): string[] {
    return this.sync.syncTargets();
  }

  get phase(): StandbySync['phase'] {
    return this.sync.phase;
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    const at = this.sync.nextWakeAt();
    if (at === null) return;
    this.timer?.cancel();
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.wake();
    }, at - this.now());
  }

  private wake(): void {
    if (this.stopped) return;
    const action = this.sync.poll(this.now());
    if (action === null) return this.schedule();
    void this.perform(action);
  }

  private async perform(action: StandbyAction): Promise<void> {
    if (action.kind === 'sync') {
      const found = await this.readCluster(action.peerURLs);
      if (this.stopped) return;
      if (found === null) {
        this.options.log?.(`standby: no peer answered (${action.peerURLs.join(', ') || 'none known'})`);
        this.sync.onSyncFailed(this.now());
        return this.schedule();
      }
      const next = this.sync.onSynced(this.now(), found.machines, found.config);
      if (next === null) return this.schedule();
      return this.perform(next);
    }
    try {
      await this.options.join(action.leader, action.listed);
    } catch (err) {
      if (this.stopped) return;
      this.options.log?.(`standby: joining through ${action.leader.peerURL} failed: ${(err as Error).message}`);
      this.sync.onJoinFailed(this.now());
      return this.schedule();
    }
    if (this.stopped) return;
    this.sync.onJoined();
    this.options.log?.(`standby: joined the cluster through ${action.leader.peerURL}`);
    this.stop();
    this.options.onPeer?.();
  }

  private readCluster(peerURLs: readonly string[]): Promise<ClusterView | null> {
    return fetchClusterView(peerURLs, this.fetchText);
  }
}

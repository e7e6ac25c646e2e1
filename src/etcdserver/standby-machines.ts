/**
 * The machine list of etcd 0.4 (`GET /v2/admin/machines`): every registered peer with its name, its
 * state (`leader` for the leader, `follower` for every other peer) and its first client and peer
 * URL, sorted by name. Standbys are not in it. Standbys read it to find the leader and to count the
 * peers against `activeSize`.
 */

export interface ClusterMachine {
  readonly name: string;
  readonly state: 'leader' | 'follower';
  readonly clientURL: string;
  readonly peerURL: string;
}

/** The member facts the list is made from (the shape of `/v2/members` entries). */
export interface MachineSource {
  /** Member ID, hex. */
  readonly id: string;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The machine list of these members. Members that have not published yet are listed with an empty
 * name and client URL, so the list always counts every peer.
 */
export function machinesFromMembers(members: readonly MachineSource[], leaderId: string | null): ClusterMachine[] {
  return [...members]
    .sort((a, b) => byteOrder(a.name, b.name) || byteOrder(a.peerURLs[0] ?? '', b.peerURLs[0] ?? ''))
    .map((m) => ({
      name: m.name,
      state: m.id === leaderId ? 'leader' : 'follower',
      clientURL: m.clientURLs[0] ?? '',
      peerURL: m.peerURLs[0] ?? '',
    }));
}

/** The leader of a machine list, or null when none is marked. */
export function leaderOf(machines: readonly ClusterMachine[]): ClusterMachine | null {
  return machines.find((m) => m.state === 'leader') ?? null;
}

/** Reads a machine list as another member sends it; throws on anything that is not one. */
export function parseMachineList(text: string): ClusterMachine[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error('machine list is not a JSON array');
  return value.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) throw new Error(`machine ${i} is not an object`);
    const m = item as Record<string, unknown>;
    const str = (k: string): string => (typeof m[k] === 'string' ? (m[k] as string) : '');
    return { name: str('name'), state: m.state === 'leader' ? 'leader' : 'follower', clientURL: str('clientURL'), peerURL: str('peerURL') };
  });
}

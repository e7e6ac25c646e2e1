/** member list|add|remove|update and cluster-health. */
import { checkMemberHealth, MembersApiError, type EtcdClient, type Member } from '../client/index.js';
import type { CommandAction } from './key-commands.js';
import { CtlExit, EXIT } from './ctl-io.js';
import { goErrorText } from './ctl-session.js';

/** Checks peer URLs the way etcd's types.NewURLs does; returns the error text or null. */
export function peerUrlProblem(text: string): string | null {
  const u = text.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(u);
  const scheme = m ? m[1]! : '';
  if (!['http', 'https', 'unix', 'unixs'].includes(scheme)) return `URL scheme must be http, https, unix, or unixs: ${u}`;
  const host = m![2]!;
  if (!/^(\[[^\]]*\]|[^:]*):[^:]*$/.test(host)) return `URL address does not have the form "host:port": ${u}`;
  if (m![3] !== '') return `URL must not contain a path: ${u}`;
  return null;
}

function membersErrorText(err: unknown): string {
  return err instanceof MembersApiError ? err.message : goErrorText(err);
}

function listErrorText(err: unknown): string {
  return err instanceof MembersApiError ? `unexpected status code ${err.status}` : goErrorText(err);
}

function exitWith(io: { stderr(t: string): void }, text: string, code: number = EXIT.badArgs): never {
  io.stderr(text);
  throw new CtlExit(code);
}

export const memberListCommand: CommandAction = async (s, _flags, args) => {
  if (args.length !== 0) exitWith(s.io, 'No arguments accepted\n');
  const client = await s.syncedClient();
  let members: Member[];
  try {
    members = await client.listMembers({ timeoutMs: s.totalTimeoutMs });
  } catch (err) {
    return exitWith(s.io, `${listErrorText(err)}\n`);
  }
  let leader: Member;
  try {
    leader = await client.leader({ timeoutMs: s.totalTimeoutMs });
  } catch (err) {
    return exitWith(s.io, `Failed to get leader:  ${membersErrorText(err)}\n`);
  }
  let out = '';
  for (const m of members) {
    if (m.name === '') out += `${m.id}[unstarted]: peerURLs=${m.peerURLs.join(',')}\n`;
    else {
      out += `${m.id}: name=${m.name} peerURLs=${m.peerURLs.join(',')} clientURLs=${m.clientURLs.join(',')} isLeader=${m.id === leader.id}\n`;
    }
  }
  s.io.stdout(out);
};

export const memberAddCommand: CommandAction = async (s, _flags, args) => {
  if (args.length !== 2) exitWith(s.io, 'Provide a name and a single member peerURL\n');
  const client = await s.syncedClient();
  const [name, url] = [args[0]!, args[1]!];
  const problem = peerUrlProblem(url);
  if (problem) exitWith(s.io, `${problem}\n`);
  let added: Member;
  try {
    added = await client.addMember([url.trim()], { timeoutMs: s.totalTimeoutMs });
  } catch (err) {
    return exitWith(s.io, `${membersErrorText(err)}\n`);
  }
  s.io.stdout(`Added member named ${name} with ID ${added.id} to cluster\n`);
  let members: Member[];
  try {
    members = await client.listMembers({ timeoutMs: s.totalTimeoutMs });
  } catch (err) {
    return exitWith(s.io, `${listErrorText(err)}\n`);
  }
  const conf: string[] = [];
  for (const m of members) for (const u of m.peerURLs) conf.push(`${m.id === added.id ? name : m.name}=${u}`);
  s.io.stdout(
    `\nETCD_NAME=${JSON.stringify(name)}\nETCD_INITIAL_CLUSTER=${JSON.stringify(conf.join(','))}\nETCD_INITIAL_CLUSTER_STATE="existing"\n`,
  );
};

export const memberRemoveCommand: CommandAction = async (s, _flags, args) => {
  if (args.length !== 1) exitWith(s.io, 'Provide a single member ID\n');
  const id = args[0]!;
  const client = await s.syncedClient();
  let members: Member[];
  try {
    members = await client.listMembers({ timeoutMs: s.totalTimeoutMs });
  } catch (err) {
    return exitWith(s.io, `Error while verifying ID against known members: ${listErrorText(err)}\n`);
  }
  let found = false;
  for (const m of members) {
    if (m.id === id) found = true;
    if (m.name === id) {
      s.io.stderr(
        `Found a member named ${m.name}; if this is correct, please use its ID, eg:\n\tetcdctl member remove ${m.id}\n` +
          'For more details, read the documentation at https://github.com/etcd-io/etcd/blob/master/Documentation/runtime-configuration.md#remove-a-member\n\n',
      );
    }
  }
  if (!found) exitWith(s.io, `Couldn't find a member in the cluster with an ID of ${id}.\n`);
  try {
    await client.removeMember(id, { timeoutMs: s.totalTimeoutMs });
  } catch (err) {
    return exitWith(s.io, `Received an error trying to remove member ${id}: ${membersErrorText(err)}`);
  }
  s.io.stdout(`Removed member ${id} from cluster\n`);
};

export const memberUpdateCommand: CommandAction = async (s, _flags, args) => {
  if (args.length !== 2) {
    exitWith(s.io, 'Provide an ID and a list of comma separated peerURL (0xabcd http://example.com,http://example1.com)\n');
  }
  const client = await s.syncedClient();
  const [id, urls] = [args[0]!, args[1]!.split(',')];
  for (const u of urls) {
    const problem = peerUrlProblem(u);
    if (problem) exitWith(s.io, `${problem}\n`);
  }
  try {
    await client.updateMember(id, urls.map((u) => u.trim()), { timeoutMs: s.totalTimeoutMs });
  } catch (err) {
    return exitWith(s.io, `${membersErrorText(err)}\n`);
  }
  s.io.stdout(`Updated member with ID ${id} in cluster\n`);
};

async function healthRound(client: EtcdClient, members: Member[], tlsTimeoutMs: number, s: Parameters<CommandAction>[0]): Promise<boolean> {
  let healthy = false;
  let out = '';
  for (const m of members) {
    if (m.clientURLs.length === 0) {
      out += `member ${m.id} is unreachable: no available published client urls\n`;
      continue;
    }
    let checked = false;
    for (const url of m.clientURLs) {
      const result = await checkMemberHealth(url, s.tlsOptions(), tlsTimeoutMs);
      if (!result.reachable) {
        out += `failed to check the health of member ${m.id} on ${url}: ${result.error}\n`;
        continue;
      }
      checked = true;
      if (result.healthy) {
        healthy = true;
        out += `member ${m.id} is healthy: got healthy result from ${url}\n`;
      } else {
        out += `member ${m.id} is unhealthy: got unhealthy result from ${url}\n`;
      }
      break;
    }
    if (!checked) out += `member ${m.id} is unreachable: [${m.clientURLs.join(' ')}] are all unreachable\n`;
  }
  out += healthy ? 'cluster is healthy\n' : 'cluster is unhealthy\n';
  s.io.stdout(out);
  void client;
  return healthy;
}

export const clusterHealthCommand: CommandAction = async (s, flags) => {
  const forever = flags.bool('forever');
  if (forever) s.io.exitOnInterrupt?.();
  const client = await s.unsyncedClient();
  let members: Member[];
  try {
    members = await client.listMembers();
  } catch (err) {
    s.io.stdout('cluster may be unhealthy: failed to list members\n');
    return s.fail(EXIT.serverError, err);
  }
  for (;;) {
    const healthy = await healthRound(client, members, 0, s);
    if (!forever) throw new CtlExit(healthy ? EXIT.success : EXIT.clusterNotHealthy);
    s.io.stdout('\nnext check after 10 second...\n\n');
    await new Promise((r) => setTimeout(r, 10_000));
  }
};

/**
 * The etcdctl invocations of the differential test, run in order on both sides. Arguments may hold
 * placeholders filled per side: {EP} client URL, {PEER} peer URL, {CPORT} client port, {BH} the URL of
 * a server that accepts connections and never answers, {name} an index captured by an earlier step
 * (its JSON output's node.modifiedIndex).
 */

export interface Invocation {
  args: string[];
  /** Extra environment (ETCDCTL_API=2 is always set). */
  env?: Record<string, string>;
  /** Standard input; closed empty when absent. */
  stdin?: string;
  /** Leave out the automatic `--endpoints {EP}` in front. */
  noEndpoints?: boolean;
  /** Store node.modifiedIndex of the JSON output under this name. */
  capture?: string;
  /** Compare stdout as a sorted set of lines (listing order is unspecified without --sort). */
  unordered?: boolean;
  /**
   * watch-trigger: start the invocation, wait until the server counts a watcher, then run `trigger`.
   * until-lines: start it, wait for `lines` lines of stdout, then interrupt it.
   */
  mode?: { kind: 'watch-trigger'; trigger: string[] } | { kind: 'until-lines'; lines: number };
}

const EW = 'echo "$ETCD_WATCH_ACTION|$ETCD_WATCH_KEY|$ETCD_WATCH_VALUE|idx=$ETCD_WATCH_MODIFIED_INDEX"';

export const CASES: Invocation[] = [
  // ---- program surface: version, help, usage errors
  { args: ['--version'], noEndpoints: true },
  { args: [], noEndpoints: true },
  { args: ['--help'], noEndpoints: true },
  { args: ['help', 'get'], noEndpoints: true },
  { args: ['help', 'nope'], noEndpoints: true },
  { args: ['nope'], noEndpoints: true },
  { args: ['get', '--help'] },
  { args: ['set', '--bogus', '/x', 'v'] },
  { args: ['--bogus', 'get', '/x'], noEndpoints: true },
  { args: ['--timeout', '1', 'get', '/x'] },
  { args: ['set', '--ttl', 'abc', '/x', 'v'] },
  { args: ['member'] },
  { args: ['member', 'nope'] },
  // ---- set / get and output formats
  { args: ['set', '/d/k', 'v1'] },
  { args: ['get', '/d/k'] },
  { args: ['-o', 'json', 'get', '/d/k'] },
  { args: ['-o', 'extended', 'get', '/d/k'] },
  { args: ['--output=json', 'set', '/d/k', 'v2'] },
  { args: ['-o', 'extended', 'set', '/d/k', 'v3'] },
  { args: ['set', '/d/k', 'v4', '-o', 'json'] },
  { args: ['get', '--quorum', '/d/k'] },
  { args: ['get', '/d/k', 'extra'] },
  { args: ['get', '/d/missing'] },
  { args: ['-o', 'json', 'get', '/d/missing'] },
  { args: ['get'] },
  { args: ['set', '/d/novalue'] },
  { args: ['set', '/d/stdin'], stdin: 'from stdin' },
  { args: ['get', '/d/stdin'] },
  { args: ['set', '/d/uni', 'héllo  wörld ✓ = & ? %20'] },
  { args: ['-o', 'json', 'get', '/d/uni'] },
  { args: ['set', '/d/sp ace%25?&=x', 'special'] },
  { args: ['get', '/d/sp ace%25?&=x'] },
  { args: ['-o', 'json', 'set', '/d/esc', 'a<b>&"\\ \t'] },
  { args: ['set', '--', '/d/neg', '-5'] },
  { args: ['get', '/d/neg'] },
  { args: ['-o', 'bogus', 'get', '/d/k'] },
  // ---- mk, in-order, ttl
  { args: ['mk', '/d/mk', 'first'] },
  { args: ['mk', '/d/mk', 'second'] },
  { args: ['-o', 'json', 'mk', '--in-order', '/q', 'job1'] },
  { args: ['-o', 'extended', 'mk', '--in-order', '/q', 'job2'] },
  { args: ['ls', '--sort', '/q'] },
  { args: ['-o', 'json', 'mk', '--ttl', '100', '/d/ttl', 't'] },
  { args: ['-o', 'extended', 'get', '/d/ttl'] },
  { args: ['set', '--ttl', '-5', '/d/negttl', 'x'] },
  // ---- directories
  { args: ['mkdir', '/dir'] },
  { args: ['mkdir', '/dir'] },
  { args: ['-o', 'json', 'mkdir', '/dir2'] },
  { args: ['get', '/dir'] },
  { args: ['setdir', '/sdir'] },
  { args: ['setdir', '/sdir'] },
  { args: ['-o', 'extended', 'setdir', '/sdir2'] },
  { args: ['updatedir', '--ttl', '100', '/dir'] },
  { args: ['updatedir', '/nodir'] },
  { args: ['set', '/dir', 'value'] },
  { args: ['mkdir', '/tree/a/b'] },
  { args: ['ls', '-r', '-p', '--sort', '/tree'] },
  // ---- update
  { args: ['-o', 'json', 'update', '/d/k', 'v5'] },
  { args: ['update', '/d/k', 'v6'] },
  { args: ['update', '/d/nokey', 'x'] },
  { args: ['-o', 'extended', 'update', '--ttl', '50', '/d/k', 'v7'] },
  { args: ['-o', 'json', 'set', '/d/k', 'v8'] },
  // ---- ls
  { args: ['set', '/d/_hidden', 'h'] },
  { args: ['ls', '--sort', '/d'] },
  { args: ['ls', '/d'], unordered: true },
  { args: ['ls', '-r', '--sort', '/'] },
  { args: ['ls', '-r', '-p', '--sort'] },
  { args: ['-o', 'json', 'ls', '--sort', '/d'] },
  { args: ['-o', 'extended', 'ls', '/dir2'] },
  { args: ['ls', '/nothere'] },
  { args: ['ls', '/d/k'] },
  { args: ['ls', '/d/k/sub'] },
  // ---- rm / rmdir
  { args: ['rm', '/d/stdin'] },
  { args: ['-o', 'json', 'rm', '/d/mk'] },
  { args: ['-o', 'extended', 'rm', '/d/_hidden'] },
  { args: ['rm', '/d/missing'] },
  { args: ['rm', '/dir'] },
  { args: ['set', '/dir/child', 'c'] },
  { args: ['rmdir', '/dir'] },
  { args: ['rm', '--dir', '/sdir'] },
  { args: ['rmdir', '/sdir2'] },
  { args: ['-o', 'json', 'rm', '-r', '/dir'] },
  { args: ['rm', '-r', '/tree'] },
  { args: ['rm'] },
  // ---- compare and swap / delete
  { args: ['-o', 'json', 'set', '/cas', 'a'], capture: 'cas0' },
  { args: ['set', '--swap-with-value', 'a', '/cas', 'b'] },
  { args: ['set', '--swap-with-value', 'nope', '/cas', 'z'] },
  { args: ['-o', 'json', 'get', '/cas'], capture: 'cas1' },
  { args: ['-o', 'json', 'set', '--swap-with-index', '{cas1}', '/cas', 'c'], capture: 'cas2' },
  { args: ['set', '--swap-with-index', '99999999', '/cas', 'e'] },
  { args: ['set', '--swap-with-value', 'x', '/casnone', 'y'] },
  { args: ['rm', '--with-value', 'wrong', '/cas'] },
  { args: ['rm', '--with-index', '{cas0}', '/cas'] },
  { args: ['-o', 'json', 'rm', '--with-index', '{cas2}', '/cas'] },
  // ---- watch and exec-watch
  { args: ['-o', 'json', 'set', '/w/x', 'w0'], capture: 'w0' },
  { args: ['-o', 'json', 'set', '/w/x', 'w1'], capture: 'w1' },
  { args: ['set', '/w/sub/y', 'w2'] },
  { args: ['rm', '/w/x'] },
  { args: ['watch', '--after-index', '{w0}', '/w/x'] },
  { args: ['-o', 'json', 'watch', '--after-index', '{w0}', '/w/x'] },
  { args: ['-o', 'extended', 'watch', '--after-index', '{w1}', '/w/x'] },
  { args: ['watch', '--recursive', '--after-index', '{w1}', '/w'] },
  { args: ['watch'] },
  { args: ['watch', '/wb'], mode: { kind: 'watch-trigger', trigger: ['set', '/wb', 'after'] } },
  { args: ['watch', '-r', '/wr'], mode: { kind: 'watch-trigger', trigger: ['set', '/wr/deep/k', 'x'] } },
  { args: ['exec-watch', '--after-index', '{w1}', 'sh', '-c', EW, '/w/x'], mode: { kind: 'until-lines', lines: 1 } },
  { args: ['exec-watch', '-r', '--after-index', '{w1}', 'sh', '-c', EW, '/w'], mode: { kind: 'until-lines', lines: 2 }, unordered: true },
  { args: ['exec-watch', 'sh'] },
  // ---- cluster commands
  { args: ['member', 'list'] },
  { args: ['member', 'list', 'extra'] },
  { args: ['cluster-health'] },
  { args: ['member', 'add', 'n2', 'foo'] },
  { args: ['member', 'add', 'n2', '{PEER}'] },
  { args: ['member', 'add', 'n2'] },
  { args: ['member', 'remove', '1234'] },
  { args: ['member', 'remove', 'm0'] },
  { args: ['member', 'update', '1234', 'http://127.0.0.1:9'] },
  // ---- endpoints, environment, connection errors
  { args: ['--no-sync', 'get', '/d/k'] },
  { args: ['get', '/d/k'], noEndpoints: true, env: { ETCDCTL_ENDPOINTS: '{EP}' } },
  { args: ['get', '/d/k'], noEndpoints: true, env: { ETCDCTL_PEERS: '{EP}' } },
  { args: ['-C', '{EP}', 'get', '/d/k'], noEndpoints: true },
  { args: ['--peers', '{EP}', 'get', '/d/k'], noEndpoints: true },
  { args: ['--endpoints', '127.0.0.1:{CPORT}', 'get', '/d/k'], noEndpoints: true },
  { args: ['--endpoints', 'http://127.0.0.1:1', 'get', '/d/k'], noEndpoints: true },
  { args: ['--no-sync', '--endpoints', 'http://127.0.0.1:1', 'get', '/d/k'], noEndpoints: true },
  { args: ['--endpoints', 'http://127.0.0.1:1', 'member', 'list'], noEndpoints: true },
  { args: ['--endpoints', 'http://127.0.0.1:1', 'cluster-health'], noEndpoints: true },
  { args: ['--timeout', '300ms', '--endpoints', '{BH}', 'get', '/d/k'], noEndpoints: true },
  { args: ['--no-sync', '--timeout', '5s', '--total-timeout', '500ms', '--endpoints', '{BH}', 'get', '/d/k'], noEndpoints: true },
  { args: ['--no-sync', '--timeout', '300ms', '--endpoints', '{BH}', 'member', 'list'], noEndpoints: true },
  { args: ['--timeout', '300ms', '--endpoints', '{BH}', 'cluster-health'], noEndpoints: true },
  { args: ['--endpoints', '{BH},{EP}', '--timeout', '300ms', 'get', '/d/k'], noEndpoints: true },
  { args: ['--discovery-srv', 'nowhere.invalid', 'get', '/d/k'], noEndpoints: true },
  // ---- credentials (auth is off, so they are only sent)
  { args: ['--username', 'root:secret', 'get', '/d/k'] },
  { args: ['--username', 'root', 'get', '/d/k'], stdin: 'secret\n' },
  { args: ['get', '/d/k'], env: { ETCDCTL_USERNAME: 'root:secret' } },
  // ---- --debug: the requests as curl command lines
  { args: ['--debug', 'set', '/dbg/k', 'a b&c'] },
  { args: ['--debug', '--no-sync', '-o', 'json', 'get', '--sort', '/dbg/k'] },
  { args: ['--debug', 'mkdir', '--ttl', '50', '/dbg/dir'] },
  { args: ['--debug', 'mk', '--in-order', '--ttl', '9', '/dbg/q', 'x'] },
  { args: ['--debug', 'set', '--swap-with-value', 'nope', '/dbg/k', 'y'] },
  { args: ['--debug', 'watch', '--after-index', '{w0}', '/w/x'] },
  { args: ['--debug', 'rm', '-r', '/dbg'] },
  { args: ['--debug', 'member', 'list'] },
  { args: ['--debug', 'cluster-health'] },
  { args: ['--debug', '--endpoints', 'http://127.0.0.1:1', 'get', '/x'], noEndpoints: true },
  // ---- more argument checks
  { args: ['mkdir'] },
  { args: ['rmdir'] },
  { args: ['update', '/d/k'] },
  { args: ['ls', '--sort'] },
  { args: ['--no-sync', 'ls', '-p', '--sort', '/d'] },
];

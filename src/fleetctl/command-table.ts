/**
 * fleetctl 1.0's commands as cobra knows them: name, use line, summary, description and flags
 * (pflag style; `--l`, `--f` and `--A` are long flags named `l`, `f` and `A`, as fleetctl defines
 * them). The global flags are the root command's persistent flags.
 */
import type { FlagDef } from '../go/flags.js';

export const FLEETCTL_VERSION = '1.0.0';
export const CLI_NAME = 'fleetctl';
export const CLI_DESCRIPTION = 'fleetctl is a command-line interface to fleet, the cluster-wide CoreOS init system.';
export const DEFAULT_ENDPOINT = 'unix:///var/run/fleet.sock';
export const DEFAULT_ETCD_ENDPOINTS = 'http://127.0.0.1:2379,http://127.0.0.1:4001';
export const DEFAULT_KEY_PREFIX = '/_coreos.com/fleet/';

export type CommandName =
  | 'cat'
  | 'destroy'
  | 'fd-forward'
  | 'help'
  | 'journal'
  | 'list-machines'
  | 'list-unit-files'
  | 'list-units'
  | 'load'
  | 'restart'
  | 'ssh'
  | 'start'
  | 'status'
  | 'stop'
  | 'submit'
  | 'unload'
  | 'verify'
  | 'version';

export interface CommandSpec {
  name: CommandName;
  use: string;
  short: string;
  long: string;
  flags: FlagDef[];
  /** Runs through fleetctl's runWrapper: a fleet client is set up first. */
  needsClient: boolean;
}

const DEPRECATED = 'DEPRECATED: do not use this flag.';

export const GLOBAL_FLAGS: FlagDef[] = [
  { name: 'help', kind: 'bool', usage: 'Print usage information and exit' },
  { name: 'h', kind: 'bool', usage: 'Print usage information and exit' },
  { name: 'debug', kind: 'bool', usage: 'Print out more debug information to stderr' },
  { name: 'version', kind: 'bool', usage: 'Print the version and exit' },
  { name: 'driver', kind: 'string', default: 'API', usage: 'Adapter used to execute fleetctl commands. Options include "API" and "etcd".' },
  {
    name: 'endpoint',
    kind: 'string',
    default: DEFAULT_ENDPOINT,
    usage: 'Location of the fleet API if --driver=API. Alternatively, if --driver=etcd, location of the etcd API.',
  },
  { name: 'etcd-key-prefix', kind: 'string', default: DEFAULT_KEY_PREFIX, usage: 'Keyspace for fleet data in etcd (development use only!)' },
  { name: 'key-file', kind: 'string', usage: 'Location of TLS key file used to secure communication with the fleet API or etcd' },
  { name: 'cert-file', kind: 'string', usage: 'Location of TLS cert file used to secure communication with the fleet API or etcd' },
  { name: 'ca-file', kind: 'string', usage: 'Location of TLS CA file used to secure communication with the fleet API or etcd' },
  {
    name: 'known-hosts-file',
    kind: 'string',
    default: '~/.fleetctl/known_hosts',
    usage: 'File used to store remote machine fingerprints. Ignored if strict host key checking is disabled.',
  },
  {
    name: 'strict-host-key-checking',
    kind: 'bool',
    default: true,
    usage: 'Verify host keys presented by remote machines before initiating SSH connections.',
  },
  { name: 'ssh-timeout', kind: 'float', default: 10, usage: 'Amount of time in seconds to allow for SSH connection initialization before failing.' },
  { name: 'tunnel', kind: 'string', usage: 'Establish an SSH tunnel through the provided address for communication with fleet and etcd.' },
  { name: 'request-timeout', kind: 'float', default: 3, usage: 'Amount of time in seconds to allow a single request before considering it failed.' },
  { name: 'ssh-username', kind: 'string', default: 'core', usage: 'Username to use when connecting to CoreOS instance.' },
  { name: 'experimental-api', kind: 'bool', default: true, usage: DEPRECATED },
  { name: 'etcd-keyfile', kind: 'string', usage: DEPRECATED },
  { name: 'etcd-certfile', kind: 'string', usage: DEPRECATED },
  { name: 'etcd-cafile', kind: 'string', usage: DEPRECATED },
];

const SIGN: FlagDef = { name: 'sign', kind: 'bool', usage: 'DEPRECATED - this option cannot be used' };
const SSH_PORT: FlagDef = { name: 'ssh-port', kind: 'int', default: 22, usage: 'Connect to remote hosts over SSH using this TCP port.' };

function blockAttempts(what: string, global = true): FlagDef {
  return {
    name: 'block-attempts',
    kind: 'int',
    default: 0,
    usage: `Wait until the ${what}, performing up to N attempts before giving up. A value of 0 indicates no limit.${global ? ' Does not apply to global units.' : ''}`,
  };
}
function noBlock(usage: string): FlagDef {
  return { name: 'no-block', kind: 'bool', usage };
}
function listFlags(withL: boolean, fieldsDefault: string, fieldsUsage: string): FlagDef[] {
  const flags: FlagDef[] = [{ name: 'full', kind: 'bool', usage: 'Do not ellipsize fields on output' }];
  if (withL) flags.push({ name: 'l', kind: 'bool', usage: 'Shorthand for --full' });
  flags.push({ name: 'no-legend', kind: 'bool', usage: 'Do not print a legend (column headers)' });
  flags.push({ name: 'fields', kind: 'string', default: fieldsDefault, usage: fieldsUsage });
  return flags;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'cat',
    use: 'cat UNIT',
    short: 'Output the contents of a submitted unit',
    long: 'Outputs the unit file that is currently loaded in the cluster. Useful to verify\nthe correct version of a unit is running.',
    flags: [],
    needsClient: true,
  },
  {
    name: 'destroy',
    use: 'destroy UNIT...',
    short: 'Destroy one or more units in the cluster',
    long: `Completely remove one or more running or submitted units from the cluster.

Instructs systemd on the host machine to destroy the unit, deferring to systemd
completely for any custom stop directives (i.e. ExecStop option in the unit
file).

Destroyed units are impossible to start unless re-submitted.`,
    flags: [
      blockAttempts('units are destroyed'),
      noBlock('Do not wait until the units are destroyed before exiting. Always the case for global units.'),
    ],
    needsClient: true,
  },
  {
    name: 'fd-forward',
    use: 'fd-forward SOCKET',
    short: 'Proxy stdin and stdout to a unix domain socket',
    long: 'fleetctl utilizes fd-forward when --tunnel is used and --endpoint is a unix socket. This command is not intended to be called by users directly.',
    flags: [],
    needsClient: false,
  },
  {
    name: 'help',
    use: 'help [command]',
    short: 'Help about any command',
    long: `Help provides help for any command in the application.
    Simply type fleetctl help [path to command] for full details.`,
    flags: [],
    needsClient: false,
  },
  {
    name: 'journal',
    use: 'journal [--lines=N] [--ssh-port=N] [-f|--follow] [--output=STRING] UNIT',
    short: 'Print the journal of a unit in the cluster to stdout',
    long: `Outputs the journal of a unit by connecting to the machine that the unit occupies.

Read the last 10 lines:
	fleetctl journal foo.service

Read the last 100 lines:
	fleetctl journal --lines 100 foo.service

This command does not work with global units.`,
    flags: [
      { name: 'lines', kind: 'int', default: 10, usage: 'Number of recent log lines to return' },
      { name: 'follow', kind: 'bool', usage: 'Continuously print new entries as they are appended to the journal.' },
      { name: 'f', kind: 'bool', usage: 'Shorthand for --follow' },
      SSH_PORT,
      { name: 'sudo', kind: 'bool', usage: 'Execute journalctl with sudo' },
      {
        name: 'output',
        kind: 'string',
        default: 'short',
        usage: 'Output mode. This will be passed unaltered to journalctl on the remote host, and thus supports the same modes.',
      },
    ],
    needsClient: true,
  },
  {
    name: 'list-machines',
    use: 'list-machines [-l|--full] [--no-legend]',
    short: 'Enumerate the current hosts in the cluster',
    long: `Lists all active machines within the cluster. Previously active machines will not appear in this list.

For easily parsable output, you can remove the column headers:
fleetctl list-machines --no-legend

Output the list without truncation:
fleetctl list-machines --full`,
    flags: listFlags(true, 'machine,ip,metadata', 'Columns to print for each Machine. Valid fields are "machine,ip,metadata"'),
    needsClient: true,
  },
  {
    name: 'list-unit-files',
    use: 'list-unit-files [--fields]',
    short: 'List the units that exist in the cluster.',
    long: 'Lists all unit files that exist in the cluster (whether or not they are loaded onto a machine).',
    flags: listFlags(
      false,
      'unit,hash,dstate,state,target',
      'Columns to print for each Unit file. Valid fields are "desc,dstate,global,hash,state,target,tmachine,unit"',
    ),
    needsClient: true,
  },
  {
    name: 'list-units',
    use: 'list-units [--no-legend] [-l|--full] [--fields]',
    short: 'List the current state of units in the cluster',
    long: `Lists the state of all units in the cluster loaded onto a machine.

For easily parsable output, you can remove the column headers:
fleetctl list-units --no-legend

Output the list without ellipses:
fleetctl list-units --full

Or, choose the columns to display:
fleetctl list-units --fields=unit,machine`,
    flags: listFlags(true, 'unit,machine,active,sub', 'Columns to print for each Unit. Valid fields are "active,hash,load,machine,sub,unit"'),
    needsClient: true,
  },
  {
    name: 'load',
    use: 'load [--no-block|--block-attempts=N] UNIT...',
    short: 'Schedule one or more units in the cluster, first submitting them if necessary.',
    long: `Load one or many units in the cluster into systemd, but do not start.

Select units to load by glob matching for units in the current working directory 
or matching the names of previously submitted units.

For units which are not global, load operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a loaded state. This behaviour can be configured with the
respective --block-attempts and --no-block options. Load operations on global
units are always non-blocking.`,
    flags: [
      SIGN,
      blockAttempts('jobs are loaded'),
      noBlock('Do not wait until the jobs have been loaded before exiting. Always the case for global units.'),
      { name: 'replace', kind: 'bool', usage: 'Replace the old scheduled units in the cluster with new versions.' },
    ],
    needsClient: true,
  },
  {
    name: 'restart',
    use: 'restart [--block-attempts=N] UNIT...',
    short: 'Instruct systemd to rolling restart one or more units in the cluster.',
    long: `Restarts one or more units in the cluster. If they are stopped it starts them.

Instructs systemd on the host machine to stop then start the unit, deferring to systemd
completely for any custom restart directives (i.e. ExecStop options in the unit
file).

For units which are not global, restart operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a stopped state and then back to a started state. This behaviour can be configured with the
respective --block-attempts options. Restart operations on global
units are always non-blocking.

Restart a single unit:
	fleetctl restart foo.service

Restart an entire directory of units with glob matching, without waiting:
	fleetctl restart myservice/*`,
    flags: [blockAttempts('units are stopped/started')],
    needsClient: true,
  },
  {
    name: 'ssh',
    use: 'ssh [-A|--forward-agent] [--ssh-port=N] [--machine|--unit] {MACHINE|UNIT}',
    short: 'Open interactive shell on a machine in the cluster',
    long: `Open an interactive shell on a specific machine in the cluster or on the machine 
where the specified unit is located.

fleetctl tries to detect whether your first argument is a machine or a unit. 
To skip this check use the --machine or --unit flags.

Open a shell on a machine:
	fleetctl ssh 2444264c-eac2-4eff-a490-32d5e5e4af24

Open a shell from your laptop, to the machine running a specific unit, using a
cluster member as a bastion host:
	fleetctl --tunnel 10.10.10.10 ssh foo.service

Open a shell on a machine and forward the authentication agent connection:
	fleetctl ssh --forward-agent 2444264c-eac2-4eff-a490-32d5e5e4af24


Tip: Create an alias for --tunnel.
	- Add "alias fleetctl=fleetctl --tunnel 10.10.10.10" to your bash profile.
	- Now you can run all fleet commands locally.

This command does not work with global units.`,
    flags: [
      { name: 'machine', kind: 'string', usage: 'Open SSH connection to a specific machine.' },
      { name: 'unit', kind: 'string', usage: 'Open SSH connection to machine running provided unit.' },
      { name: 'forward-agent', kind: 'bool', usage: 'Forward local ssh-agent to target machine.' },
      { name: 'A', kind: 'bool', usage: 'Shorthand for --forward-agent' },
      SSH_PORT,
    ],
    needsClient: true,
  },
  {
    name: 'start',
    use: 'start [--no-block|--block-attempts=N] UNIT...',
    short: 'Instruct systemd to start one or more units in the cluster, first submitting and loading if necessary.',
    long: `Start one or many units on the cluster. Select units to start by glob matching
for units in the current working directory or matching names of previously
submitted units.

For units which are not global, start operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a started state. This behaviour can be configured with the
respective --block-attempts and --no-block options. Start operations on global
units are always non-blocking.

Start a single unit:
	fleetctl start foo.service

Start an entire directory of units with glob matching:
	fleetctl start myservice/*

You may filter suitable hosts based on metadata provided by the machine.
Machine metadata is located in the fleet configuration file.`,
    flags: [
      SIGN,
      blockAttempts('units are launched'),
      noBlock('Do not wait until the units have launched before exiting. Always the case for global units.'),
      { name: 'replace', kind: 'bool', usage: 'Replace the already started units in the cluster with new versions.' },
    ],
    needsClient: true,
  },
  {
    name: 'status',
    use: 'status [--ssh-port=N] UNIT...',
    short: 'Output the status of one or more units in the cluster',
    long: `Output the status of one or more units currently running in the cluster.
Supports glob matching of units in the current working directory or matches
previously started units.

Show status of a single unit:
	fleetctl status foo.service

Show status of an entire directory with glob matching:
	fleetctl status myservice/*

This command does not work with global units.`,
    flags: [SSH_PORT],
    needsClient: true,
  },
  {
    name: 'stop',
    use: 'stop [--no-block|--block-attempts=N] UNIT...',
    short: 'Instruct systemd to stop one or more units in the cluster.',
    long: `Stop one or more units from running in the cluster, but allow them to be started again in the future.

Instructs systemd on the host machine to stop the unit, deferring to systemd
completely for any custom stop directives (i.e. ExecStop option in the unit
file).

For units which are not global, stop operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a stopped state. This behaviour can be configured with the
respective --block-attempts and --no-block options. Stop operations on global
units are always non-blocking.

Stop a single unit:
	fleetctl stop foo.service

Stop an entire directory of units with glob matching, without waiting:
	fleetctl --no-block stop myservice/*`,
    flags: [
      blockAttempts('units are stopped'),
      noBlock('Do not wait until the units have stopped before exiting. Always the case for global units.'),
    ],
    needsClient: true,
  },
  {
    name: 'submit',
    use: 'submit UNIT...',
    short: 'Upload one or more units to the cluster without starting them',
    long: `Upload one or more units to the cluster without starting them. Useful
for validating units before they are started.

This operation is idempotent; if a named unit already exists in the cluster, it will not be resubmitted.

Submit a single unit:
fleetctl submit foo.service

Submit a directory of units with glob matching:
fleetctl submit myservice/*`,
    flags: [SIGN, { name: 'replace', kind: 'bool', usage: 'Replace the old submitted units in the cluster with new versions.' }],
    needsClient: true,
  },
  {
    name: 'unload',
    use: 'unload UNIT...',
    short: 'Unschedule one or more units in the cluster.',
    long: '',
    flags: [
      blockAttempts('units are inactive', false),
      noBlock('Do not wait until the units have become inactive before exiting.'),
    ],
    needsClient: true,
  },
  {
    name: 'verify',
    use: 'verify UNIT',
    short: 'DEPRECATED - No longer works',
    long: 'DEPRECATED - No longer works',
    flags: [],
    needsClient: true,
  },
  {
    name: 'version',
    use: 'version',
    short: 'Print the version and exit',
    long: 'Print the version and exit',
    flags: [],
    needsClient: false,
  },
];

export function commandSpec(name: CommandName): CommandSpec {
  return COMMANDS.find((c) => c.name === name)!;
}

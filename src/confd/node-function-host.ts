/**
 * The outside world for template functions on a real machine: environment, clock, DNS and files.
 * Template execution is synchronous (as in Go), so DNS lookups run in a short-lived child process.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import type { GoInstant } from './go-time.js';
import type { FunctionHost, SrvRecord } from './template-functions.js';

const LOOKUP_TIMEOUT_MS = 10_000;

function zoneAbbreviation(d: Date): string {
  if (d.getTimezoneOffset() === 0 && (process.env['TZ'] === undefined || /^(UTC|Etc\/UTC|:?\/?UTC|)$/.test(process.env['TZ'] ?? ''))) {
    return 'UTC';
  }
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

function runLookup(script: string, args: string[]): unknown {
  const out = execFileSync(process.execPath, ['-e', script, ...args], {
    encoding: 'utf8',
    timeout: LOOKUP_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out);
}

const LOOKUP_IP_SCRIPT = `
const dns = require('node:dns');
dns.lookup(process.argv[1], { all: true, verbatim: true }, (err, addrs) => {
  if (err) { process.exit(1); }
  process.stdout.write(JSON.stringify([...new Set(addrs.map((a) => a.address))]));
});`;

const LOOKUP_SRV_SCRIPT = `
const dns = require('node:dns');
const [service, proto, name] = process.argv.slice(1);
const record = service === '' && proto === '' ? name : '_' + service + '._' + proto + '.' + name;
dns.resolveSrv(record, (err, addrs) => {
  if (err) { process.exit(1); }
  process.stdout.write(JSON.stringify(addrs.map((a) => ({ target: a.name.endsWith('.') ? a.name : a.name + '.', port: a.port, priority: a.priority, weight: a.weight }))));
});`;

export function nodeFunctionHost(env: Readonly<Record<string, string | undefined>> = process.env): FunctionHost {
  const startNs = process.hrtime.bigint();
  return {
    getenv: (name) => env[name],
    now(): GoInstant {
      const d = new Date();
      const ms = BigInt(d.getTime());
      const subMs = (process.hrtime.bigint() - startNs) % 1_000_000n;
      return {
        epochNs: ms * 1_000_000n + subMs,
        offsetSeconds: -d.getTimezoneOffset() * 60,
        zone: zoneAbbreviation(d),
        monotonicNs: process.hrtime.bigint() - startNs,
      };
    },
    lookupIP(host: string): string[] {
      if (isIP(host)) return [host];
      return runLookup(LOOKUP_IP_SCRIPT, [host]) as string[];
    },
    lookupSRV(service: string, proto: string, name: string): SrvRecord[] {
      return runLookup(LOOKUP_SRV_SCRIPT, [service, proto, name]) as SrvRecord[];
    },
    fileExists(path: string): boolean {
      try {
        statSync(path);
        return true;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code !== 'ENOENT';
      }
    },
  };
}

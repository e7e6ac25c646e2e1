/**
 * Runs a command against a fresh Flotilla etcd: `with-etcd.ts [--impl flotilla|reference] -- CMD ARGS`,
 * where `{url}` in the arguments becomes the server's client URL. Exits with the command's code and
 * always stops the server.
 */
import { spawn } from 'node:child_process';
import { startEtcd, type EtcdImpl } from './etcd-process.js';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 0 || sep === argv.length - 1) {
  process.stderr.write('usage: with-etcd.ts [--impl flotilla|reference] -- CMD ARGS ({url} is replaced)\n');
  process.exit(2);
}
const own = argv.slice(0, sep);
const impl: EtcdImpl = own.includes('--impl') && own[own.indexOf('--impl') + 1] === 'reference' ? 'reference' : 'flotilla';
const [cmd, ...args] = argv.slice(sep + 1);

const etcd = await startEtcd({ impl, logFile: process.env.ETCD_LOG_FILE });
let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(cmd!, args.map((a) => a.replaceAll('{url}', etcd.clientURL)), { stdio: 'inherit' });
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    child.on('error', (err) => { process.stderr.write(`${err.message}\n`); resolve(127); });
  });
} finally {
  await etcd.stop();
}
process.exit(code);

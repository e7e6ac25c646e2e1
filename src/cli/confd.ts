/** Entry point of `confd`: runs the confd-compatible renderer with the process's arguments. */
import { runConfd } from '../confd/confd-main.js';

const stopSignal = new Promise<string>((resolve) => {
  process.once('SIGINT', () => resolve('interrupt'));
  process.once('SIGTERM', () => resolve('terminated'));
});

const status = await runConfd(process.argv.slice(2), {
  argv0: process.env['FLOTILLA_ARGV0'] ?? process.argv[1] ?? 'confd',
  env: process.env,
  stderr: (t) => process.stderr.write(t),
  stdout: (t) => process.stdout.write(t),
  stopSignal,
});
process.exit(status);

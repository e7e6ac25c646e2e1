/** The etcdctl program (v2 API). */
import { runEtcdctl } from '../etcdctl/run-etcdctl.js';
import type { CtlIO } from '../etcdctl/ctl-io.js';

function readAllStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = (): void => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

const io: CtlIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  readStdin: readAllStdin,
  exitOnInterrupt: () => {
    process.on('SIGINT', () => exitAfterFlush(0));
  },
  hardExit: (code) => exitAfterFlush(code),
};

runEtcdctl(process.argv.slice(2), io).then(exitAfterFlush, (err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  exitAfterFlush(1);
});

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

const STTY_COMPLAINT = "stty: 'standard input': Inappropriate ioctl for device\n";

/**
 * Reads one line from standard input; on a terminal without echo. Like etcdctl, a newline follows
 * the answer, and without a terminal the failed attempts to switch echo off are reported.
 */
function promptSecret(prompt: string): Promise<string> {
  process.stdout.write(prompt);
  const stdin = process.stdin;
  if (stdin.isTTY !== true) process.stderr.write(STTY_COMPLAINT);
  return new Promise((resolve) => {
    let line = '';
    const raw = stdin.isTTY === true;
    if (raw) stdin.setRawMode(true);
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\n' || ch === '\r' || ch === '\u0004') {
          stdin.off('data', onData);
          stdin.off('end', onEnd);
          if (raw) stdin.setRawMode(false);
          stdin.pause();
          if (!raw) process.stderr.write(STTY_COMPLAINT);
          process.stdout.write('\n');
          resolve(line);
          return;
        }
        if (ch === '\u0003') {
          if (raw) stdin.setRawMode(false);
          process.exit(130);
        }
        line += ch;
      }
    };
    stdin.on('data', onData);
    const onEnd = (): void => {
      stdin.off('data', onData);
      if (!raw) process.stderr.write(STTY_COMPLAINT);
      process.stdout.write('\n');
      resolve(line);
    };
    stdin.once('end', onEnd);
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
  promptSecret,
  exitOnInterrupt: () => {
    process.on('SIGINT', () => exitAfterFlush(0));
  },
  hardExit: (code) => exitAfterFlush(code),
};

runEtcdctl(process.argv.slice(2), io).then(exitAfterFlush, (err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  exitAfterFlush(1);
});

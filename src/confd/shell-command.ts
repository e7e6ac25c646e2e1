/** Runs check and reload commands through `/bin/sh -c`, capturing stdout and stderr together. */
import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly output: string;
  /** Go's `exec` error text (`exit status 1`, `signal: killed`), or undefined on success. */
  readonly error: string | undefined;
}

const SIGNAL_NAMES: Record<string, string> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGPIPE: 'broken pipe',
  SIGQUIT: 'quit',
};

export function runShellCommand(command: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', (e) => resolve({ output: Buffer.concat(chunks).toString('utf8'), error: e.message }));
    child.on('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (signal) resolve({ output, error: `signal: ${SIGNAL_NAMES[signal] ?? signal}` });
      else if (code !== 0) resolve({ output, error: `exit status ${code}` });
      else resolve({ output, error: undefined });
    });
  });
}

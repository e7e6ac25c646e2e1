/**
 * Runs fleetctl commands in process and records them as a transcript: the command line, then
 * stdout, stderr and the exit status, byte for byte (a stream that does not end in a newline is
 * marked `\ no newline at end`). Transcripts are compared with the golden files in
 * test/fleetctl/golden/; UPDATE_GOLDEN=1 rewrites them.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { runFleetctl, type RunFleetctlOptions } from '../../../src/fleetctl/run-fleetctl.js';

export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fleetctl/golden');

export class Capture {
  text = '';
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exit: number;
}

export async function run(argv: string[], options: Omit<RunFleetctlOptions, 'stdout' | 'stderr'>): Promise<RunResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const exit = await runFleetctl(argv, { ...options, stdout, stderr });
  return { stdout: stdout.text, stderr: stderr.text, exit };
}

function section(title: string, text: string): string {
  if (text === '') return `--- ${title}\n`;
  return `--- ${title}\n${text}${text.endsWith('\n') ? '' : '\n\\ no newline at end\n'}`;
}

export class Transcript {
  private text = '';

  constructor(private readonly options: () => Omit<RunFleetctlOptions, 'stdout' | 'stderr'>) {}

  /** Runs one command and appends it to the transcript. */
  async $(...argv: string[]): Promise<RunResult> {
    const r = await run(argv, this.options());
    this.text += `$ fleetctl${argv.map((a) => ` ${a}`).join('')}\n${section('stdout', r.stdout)}${section('stderr', r.stderr)}--- exit ${r.exit}\n\n`;
    return r;
  }

  note(line: string): void {
    this.text += `# ${line}\n\n`;
  }

  /** Compares with (or, with UPDATE_GOLDEN=1, writes) test/fleetctl/golden/<name>.txt. */
  check(name: string): void {
    const file = path.join(GOLDEN_DIR, `${name}.txt`);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
      writeFileSync(file, this.text);
      if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden file ${file} was missing and has been written; check it and run again`);
      return;
    }
    assert.equal(this.text, readFileSync(file, 'utf8'), `transcript differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`);
  }
}

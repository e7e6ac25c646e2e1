/** The fleetctl program: runs the command in process.argv against fleet, then exits with its status. */
import { runFleetctl } from '../fleetctl/run-fleetctl.js';

function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = (): void => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

runFleetctl(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
}).then(exitAfterFlush, (err: unknown) => {
  process.stderr.write(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
  exitAfterFlush(1);
});

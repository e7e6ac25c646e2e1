/**
 * Starts the client-port handler over an in-memory server, for conformance and client runs:
 *   node --import tsx test/support/serve-memory.ts --port 0
 * prints `listening http://127.0.0.1:PORT` once it accepts connections; stops on SIGTERM/SIGINT.
 */
import type { AddressInfo } from 'node:net';

import { createClientServer } from '../../src/api/v2http/client-server.js';
import { MemoryServer } from './memory-server.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i !== -1 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const port = Number(arg('--port', '0'));
const host = arg('--host', '127.0.0.1');
const face = new MemoryServer({ name: arg('--name', 'default') });
const server = createClientServer(face);
server.listen(port, host, () => {
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  face.clientURL = url;
  process.stdout.write(`listening ${url}\n`);
});

function stop(): void {
  face.close();
  server.close();
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

/** Serving a test's handler on a loopback port the OS picks. */
import type { AddressInfo, Server } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Ends the connections still open, then closes the server. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with a port from the OS; `server` is a node:http or lean HTTP/1.1 server. */
export async function listenOnLoopback(server: Server & { closeAllConnections(): void }): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

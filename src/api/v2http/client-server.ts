/**
 * An HTTP server for the client port: the client handler plus the answers etcd gives to requests
 * Node's parser refuses (unknown methods).
 */
import { createServer, type Server } from 'node:http';

import { ClientHandler, type ClientHandlerOptions } from './client-handler.js';
import type { ServerFace } from './server-face.js';

export function createClientServer(face: ServerFace, options: ClientHandlerOptions = {}): Server {
  const handler = new ClientHandler(face, options);
  const server = createServer((req, res) => handler.serve(req, res));
  server.on('clientError', (err: Error & { code?: string; rawPacket?: Buffer }, socket) => handler.handleClientError(err, socket));
  return server;
}

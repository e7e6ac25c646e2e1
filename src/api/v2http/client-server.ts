/** The client port's server: the client handler on the lean HTTP/1.1 server. */
import { createHttp1Server, type Http1Server, type Http1ServerOptions } from '../../http1/index.js';
import { ClientHandler, type ClientHandlerOptions } from './client-handler.js';
import type { ServerFace } from './server-face.js';

export function createClientServer(
  face: ServerFace,
  options: ClientHandlerOptions = {},
  serverOptions: Http1ServerOptions = {},
): Http1Server {
  const handler = new ClientHandler(face, options);
  return createHttp1Server((req, res) => handler.serve(req, res), { maxBodyBytes: handler.maxBodyBytes, ...serverOptions });
}

/**
 * HTTP and HTTPS listeners for the client and peer URLs, with etcd's TLS options. The client port
 * runs on the lean HTTP/1.1 server; the peer port (Raft transport, admin and peer API) on node:http.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import type { TlsFiles } from '../etcdserver/config.js';
import { createHttp1Server, type Http1Request, type Http1Response, type Http1Server } from '../http1/index.js';

export type Listener = http.Server | https.Server | Http1Server;

/** What a client listener serves; `maxBodyBytes` bounds the request bodies buffered for it. */
export interface ClientListenerHandler {
  serve(req: Http1Request, res: Http1Response): void;
  readonly maxBodyBytes?: number;
}

/** What a peer listener serves. */
export interface ListenerHandler {
  serve(req: http.IncomingMessage, res: http.ServerResponse): void;
}

/** The host to bind for a URL: `localhost` means the IPv4 loopback, as the defaults intend. */
export function bindHost(url: URL): string {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' ? '127.0.0.1' : host;
}

export function createListener(url: URL, tls: TlsFiles, handler: ListenerHandler): http.Server | https.Server {
  let server: http.Server | https.Server;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => handler.serve(req, res);
  if (url.protocol === 'https:') {
    if (!tls.certFile || !tls.keyFile) {
      throw new Error(`listener ${url.href} is https but no certificate and key were given (--cert-file, --key-file)`);
    }
    server = https.createServer({
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      ca: tls.trustedCaFile ? readFileSync(tls.trustedCaFile) : undefined,
      requestCert: tls.clientCertAuth,
      rejectUnauthorized: tls.clientCertAuth,
    }, onRequest);
  } else {
    server = http.createServer(onRequest);
  }
  server.on('clientError', (_err: Error, socket: Duplex) => socket.destroy());
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  // Long-poll watches may stay open for a long time.
  server.requestTimeout = 0;
  return server;
}

/** A client-port listener on the lean server: keep-alive connections idle 60 s, heads within 65 s. */
export function createClientListener(url: URL, tls: TlsFiles, handler: ClientListenerHandler): Http1Server {
  const serve = (req: Http1Request, res: Http1Response) => handler.serve(req, res);
  const options = { maxBodyBytes: handler.maxBodyBytes, idleTimeoutMs: 60_000, headTimeoutMs: 65_000 };
  if (url.protocol !== 'https:') return createHttp1Server(serve, options);
  if (!tls.certFile || !tls.keyFile) {
    throw new Error(`listener ${url.href} is https but no certificate and key were given (--cert-file, --key-file)`);
  }
  return createHttp1Server(serve, {
    ...options,
    tls: {
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      ca: tls.trustedCaFile ? readFileSync(tls.trustedCaFile) : undefined,
      requestCert: tls.clientCertAuth,
      rejectUnauthorized: tls.clientCertAuth,
    },
  });
}

export function listen(server: Listener, url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(Number(url.port), bindHost(url), () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function closeListener(server: Listener): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

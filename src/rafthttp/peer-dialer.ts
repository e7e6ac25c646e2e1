/**
 * How this member opens requests to a peer URL: plain HTTP, or HTTPS presenting the peer
 * certificate and trusting the peer CA (`--peer-cert-file`, `--peer-key-file`, `--peer-trusted-ca-file`).
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';

export interface PeerTlsFiles {
  certFile?: string;
  keyFile?: string;
  trustedCaFile?: string;
  clientCertAuth: boolean;
}

export class PeerDialer {
  private readonly cert?: Buffer;
  private readonly key?: Buffer;
  private readonly ca?: Buffer;
  /** Keep-alive connections for short requests (snapshots); streams use their own sockets. */
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly httpsAgent: https.Agent;

  constructor(tls: PeerTlsFiles | undefined) {
    if (tls?.certFile) this.cert = readFileSync(tls.certFile);
    if (tls?.keyFile) this.key = readFileSync(tls.keyFile);
    if (tls?.trustedCaFile) this.ca = readFileSync(tls.trustedCaFile);
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4, cert: this.cert, key: this.key, ca: this.ca });
  }

  /**
   * Starts a POST to `path` on the peer at `base`. `ownSocket` gives the request a connection of
   * its own (for long-lived streams).
   */
  post(base: string, path: string, headers: Record<string, string>, ownSocket: boolean): http.ClientRequest {
    const url = new URL(path, base);
    const options: https.RequestOptions = { method: 'POST', headers };
    if (url.protocol === 'https:') {
      if (ownSocket) {
        options.agent = false;
        options.cert = this.cert;
        options.key = this.key;
        options.ca = this.ca;
      } else {
        options.agent = this.httpsAgent;
      }
      return https.request(url, options);
    }
    options.agent = ownSocket ? false : this.httpAgent;
    return http.request(url, options);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

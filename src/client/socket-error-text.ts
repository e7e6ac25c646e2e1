/**
 * Describes a failed HTTP exchange the way etcd's Go client words it, so tools built on this client
 * print the same messages as etcd's own (`dial tcp 127.0.0.1:1: connect: connection refused`).
 */

interface SystemErrorLike {
  code?: string;
  message: string;
  address?: string;
  port?: number;
  hostname?: string;
}

export interface SocketFailure {
  text: string;
  /** True when the exchange failed at the connection level (nothing usable came back). */
  isConnectionFailure: boolean;
}

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** `host` and `port` are those of the endpoint being dialled. */
export function describeSocketFailure(err: unknown, host: string, port: string): SocketFailure {
  const e: SystemErrorLike =
    typeof err === 'object' && err !== null ? (err as SystemErrorLike) : { message: String(err) };
  const target = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return { text: `dial tcp ${target}: connect: connection refused`, isConnectionFailure: true };
    case 'EHOSTUNREACH':
      return { text: `dial tcp ${target}: connect: no route to host`, isConnectionFailure: true };
    case 'ENETUNREACH':
      return { text: `dial tcp ${target}: connect: network is unreachable`, isConnectionFailure: true };
    case 'ETIMEDOUT':
      return { text: `dial tcp ${target}: i/o timeout`, isConnectionFailure: true };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { text: `dial tcp: lookup ${host}: no such host`, isConnectionFailure: true };
    case 'ECONNRESET':
      if (e.message === 'socket hang up') return { text: 'EOF', isConnectionFailure: false };
      return { text: `read tcp ${target}: read: connection reset by peer`, isConnectionFailure: true };
    case 'EPIPE':
      return { text: `write tcp ${target}: write: broken pipe`, isConnectionFailure: true };
    default:
      if (e.code !== undefined && TLS_TRUST_CODES.has(e.code)) {
        return { text: 'x509: certificate signed by unknown authority', isConnectionFailure: false };
      }
      if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        return { text: `x509: certificate is not valid for ${host}`, isConnectionFailure: false };
      }
      return { text: e.message, isConnectionFailure: false };
  }
}

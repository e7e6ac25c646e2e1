/**
 * Addresses of fleet API listeners, and of the peers' APIs: `unix:///path`, `host:port`,
 * `tcp://host:port` or `http://host:port` (`[::1]:port` for IPv6, `:port` for every interface).
 */

export type ListenerAddress =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** The address, or the error text for one that is not of these forms. */
export function parseListenerAddress(text: string): ListenerAddress | string {
  const invalid = `invalid API listener "${text}": expect unix:///path, host:port, tcp://host:port or http://host:port`;
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    return path.startsWith('/') ? { kind: 'unix', path } : invalid;
  }
  let rest = text;
  const scheme = /^(tcp|http):\/\//.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length).replace(/\/+$/, '');
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/]*):([0-9]{1,5})$/.exec(rest);
  if (m === null) return invalid;
  const port = Number(m[2]);
  if (port > 65535) return invalid;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  return { kind: 'tcp', host, port };
}

/** The address in the form fleetctl's `--endpoint` takes: `unix:///path` or `http://host:port`. */
export function endpointOf(address: ListenerAddress): string {
  if (address.kind === 'unix') return `unix://${address.path}`;
  return address.host.includes(':') ? `http://[${address.host}]:${address.port}` : `http://${address.host}:${address.port}`;
}

/**
 * fleetctl's `--endpoint` for the API driver: `unix:///path` (dialled as a unix socket, shown in
 * URLs as `http://domain-sock/`) or `http(s)://host:port[/path]`; requests go to
 * `<path>/fleet/v1/...`. Errors are worded as fleetctl 1.0 words them.
 */

export interface ApiEndpoint {
  /** Base URL of the API, ending in `/fleet/v1/` (`http://domain-sock/fleet/v1/` for a socket). */
  baseUrl: string;
  /** Unix socket to dial instead of the URL's host, when the endpoint is `unix://` or `file://`. */
  socketPath?: string;
  /** The endpoint's own scheme when it is neither http, https, unix nor file (requests then fail). */
  unsupportedScheme?: string;
}

export class EndpointParseError extends Error {
  override readonly name = 'EndpointParseError';
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** Go's path.Join for the URL path (segments joined by `/`, cleaned, '' stays ''). */
function joinPath(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  if (joined === '') return '';
  const absolute = joined.startsWith('/');
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const cleaned = out.join('/');
  return absolute ? `/${cleaned}` : cleaned === '' ? '.' : cleaned;
}

/**
 * Parses the first of the comma-separated endpoints. `warn` receives fleetctl's warning when more
 * than one is given. Throws EndpointParseError with fleetctl's message.
 */
export function parseApiEndpoint(endpointFlag: string, warn: (message: string) => void): ApiEndpoint {
  const endpoints = endpointFlag.split(',');
  const first = endpoints[0]!;
  if (endpoints.length > 1) warn(`multiple endpoints provided but only the first (${first}) is used`);
  const m = SCHEME.exec(first);
  if (m === null) {
    const firstSegment = first.split('/')[0]!;
    if (firstSegment.includes(':')) {
      throw new EndpointParseError(`parse ${first}: first path segment in URL cannot contain colon`);
    }
    throw new EndpointParseError('URL scheme undefined');
  }
  const scheme = m[1]!.toLowerCase();
  const rest = first.slice(m[0].length);
  let host = '';
  let path = rest;
  if (rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    host = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
    path = slash < 0 ? '' : afterSlashes.slice(slash);
  }
  const query = path.indexOf('?');
  if (query >= 0) path = path.slice(0, query);
  if (scheme === 'unix' || scheme === 'file') {
    if (host.length > 0) {
      throw new EndpointParseError(`unable to connect to host ${JSON.stringify(host)} with scheme ${JSON.stringify(scheme)}`);
    }
    return { baseUrl: 'http://domain-sock/fleet/v1/', socketPath: path };
  }
  let basePath = `${joinPath(path, 'fleet', 'v1')}/`;
  if (!basePath.startsWith('/')) basePath = `/${basePath}`;
  const endpoint: ApiEndpoint = { baseUrl: `${scheme}://${host}${basePath}` };
  if (scheme !== 'http' && scheme !== 'https') endpoint.unsupportedScheme = scheme;
  return endpoint;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 6570 simple expansion, as google-api-go-client expands `{unitName}` in a path. */
export function expandPathParam(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's url.QueryEscape (spaces as `+`), for query parameter values. */
export function queryEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

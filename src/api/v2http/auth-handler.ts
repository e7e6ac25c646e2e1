/**
 * `/v2/auth/*` as etcd answers it while authentication is disabled (the only mode offered): reads
 * show the built-in root role and no users; changes are not supported and answered 500.
 */
import type { Http1Response } from '../../http1/index.js';

import { APPLICATION_JSON, sendBody, sendMethodNotAllowed, type HeaderList } from './reply.js';

const ROOT_ROLE = '{"role":"root","permissions":{"kv":{"read":["/*"],"write":["/*"]}}}';

/** Answers `path` (under `/v2/auth/`); returns false when the path is not part of the auth API. */
export function handleAuth(res: Http1Response, method: string, path: string, clusterId: string, headers: HeaderList): boolean {
  const rest = path.slice('/v2/auth/'.length);
  const slash = rest.indexOf('/');
  const collection = slash === -1 ? rest : rest.slice(0, slash);
  const name = slash === -1 ? null : rest.slice(slash + 1);
  let allow: string;
  if (collection === 'enable' && name === null) allow = 'GET,PUT,DELETE';
  else if ((collection === 'users' || collection === 'roles') && name === null) allow = 'GET';
  else if ((collection === 'users' || collection === 'roles') && name !== null && name !== '') allow = 'GET,PUT,DELETE';
  else return false;
  if (!allow.split(',').includes(method)) {
    sendMethodNotAllowed(res, allow, headers);
    return true;
  }
  headers.push('X-Etcd-Cluster-Id', clusterId, 'Content-Type', APPLICATION_JSON);
  if (method !== 'GET') {
    sendBody(res, 500, headers, '{"message":"Internal Server Error"}');
    return true;
  }
  if (collection === 'enable') sendBody(res, 200, headers, '{"enabled":false}');
  else if (collection === 'users' && name === null) sendBody(res, 200, headers, '{"users":null}');
  else if (collection === 'roles' && name === null) sendBody(res, 200, headers, `{"roles":[${ROOT_ROLE}]}`);
  else if (collection === 'roles' && name === 'root') sendBody(res, 200, headers, ROOT_ROLE);
  else if (collection === 'roles') sendBody(res, 404, headers, JSON.stringify({ message: `auth: Role ${name} does not exist.` }));
  else sendBody(res, 404, headers, JSON.stringify({ message: `auth: User ${name} does not exist.` }));
  return true;
}

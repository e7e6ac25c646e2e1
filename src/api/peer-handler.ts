/**
 * The peer port of a member: `GET /members` (members with numeric IDs, as etcd's peers read them),
 * `GET /version`, and 404 for everything else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerFace } from './v2http/server-face.js';

const VERSION_BODY = JSON.stringify({ etcdserver: '3.4.23', etcdcluster: '3.4.0' });

export function createPeerHandler(face: ServerFace): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/members' && (req.method === 'GET' || req.method === 'HEAD')) {
      // Numeric IDs are uint64: written by hand so no precision is lost.
      const body = '[' + face.members().map((m) =>
        `{"id":${BigInt('0x' + m.id).toString()},"peerURLs":${JSON.stringify(m.peerURLs)},"name":${JSON.stringify(m.name)},"clientURLs":${JSON.stringify(m.clientURLs)}}`,
      ).join(',') + ']\n';
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Etcd-Cluster-Id': face.clusterId });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (path === '/version' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(VERSION_BODY);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('404 page not found\n');
  };
}

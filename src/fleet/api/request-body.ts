/** Reading a request body whole, within a size bound. */
import type { IncomingMessage } from 'node:http';

/** Bodies above this many bytes are refused (a unit file is far smaller). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The body, or null when it is larger than `limit` (the rest is then discarded). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      resolve(tooLarge ? null : Buffer.concat(chunks));
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!ended) reject(new Error('the client went away before sending the whole body'));
    });
  });
}

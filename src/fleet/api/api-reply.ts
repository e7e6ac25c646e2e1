/**
 * How the fleet API answers, as fleet's Go server does: JSON with `Content-Type: application/json`
 * and no trailing newline; errors as `{"error":{"code":N,"message":"..."}}`; bodiless answers as
 * Go's `WriteHeader` leaves them (a 201 has `Content-Length: 0` and no Content-Type).
 */
import type { ServerResponse } from 'node:http';

import { errorJson } from './schema-json.js';

export function sendJson(res: ServerResponse, status: number, json: string): void {
  const body = Buffer.from(json, 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, errorJson(status, message));
}

/** A status without a body; `json` adds the Content-Type fleet sends with some of them (PATCH's 204). */
export function sendEmpty(res: ServerResponse, status: number, json = false): void {
  const headers: Record<string, string> = {};
  if (json) headers['Content-Type'] = 'application/json';
  if (status !== 204 && status !== 304) headers['Content-Length'] = '0';
  res.writeHead(status, headers);
  res.end();
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length) });
  res.end(body);
}

/**
 * `/v2/keys`: parameter parsing, reads (plain and quorum), writes through `propose`, and watches.
 */
import type { Http1Request, Http1Response } from '../../http1/index.js';

import { EtcdError, ErrorCode } from '../../store/errors.js';
import { cleanPath } from '../../store/path.js';
import type { StoreEvent } from '../../store/request.js';
import type { Watcher } from '../../store/watcher.js';
import { statusOfErrorCode } from './error-status.js';
import { parseFormInto, type FormValues } from './form.js';
import { acceptsEventStream, eventMessage, idOnlyMessage, lastEventIndex } from './event-stream.js';
import { errorLine, eventLine, sharedEventLine } from './go-json.js';
import { parseKeyRequest, toStoreRequest, type KeyRequest } from './key-request.js';
import { ClientMetrics } from './metrics.js';
import { APPLICATION_JSON, sendBody, sendInternalError, sendMethodNotAllowed, type HeaderList } from './reply.js';
import type { ServerFace } from './server-face.js';
import { wallClockMs } from './wall-clock.js';

const KEYS_PREFIX_LENGTH = '/v2/keys'.length;
const KEYS_METHODS = 'HEAD,GET,PUT,POST,DELETE';
/** A stream watcher whose client reads slower than this many buffered bytes is dropped. */
const STREAM_BACKLOG_LIMIT = 4 * 1024 * 1024;
const TEXT_EVENT_STREAM = 'text/event-stream';

/** Go's mime.ParseMediaType, reduced to what the form decision needs. */
function mediaType(contentType: string | undefined): { type: string; error: string | null } {
  if (contentType === undefined || contentType === '') return { type: 'application/octet-stream', error: null };
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (type === '') return { type, error: 'mime: no media type' };
  const slash = type.indexOf('/');
  if (slash === -1) return { type, error: 'mime: expected slash after first token' };
  if (slash === type.length - 1) return { type, error: 'mime: expected token after slash' };
  return { type, error: null };
}

export class KeysHandler {
  private readonly face: ServerFace;
  private readonly metrics: ClientMetrics;
  private readonly maxFormBytes: number;

  /** `--linearizable-reads`: every read that is not a watch is a quorum read. */
  private readonly linearizableReads: boolean;

  constructor(face: ServerFace, metrics: ClientMetrics, maxFormBytes: number, linearizableReads = false) {
    this.face = face;
    this.metrics = metrics;
    this.maxFormBytes = maxFormBytes;
    this.linearizableReads = linearizableReads;
  }

  handle(req: Http1Request, res: Http1Response, path: string, rawQuery: string, headers: HeaderList): void {
    const method = req.method;
    if (method !== 'GET' && method !== 'PUT' && method !== 'POST' && method !== 'DELETE' && method !== 'HEAD') {
      sendMethodNotAllowed(res, KEYS_METHODS, headers);
      return;
    }
    headers.push('X-Etcd-Cluster-Id', this.face.clusterId);
    const key = cleanPath(path.length > KEYS_PREFIX_LENGTH ? path.slice(KEYS_PREFIX_LENGTH) : '/');
    if (method === 'PUT' || method === 'POST') {
      const media = mediaType(req.headers['content-type']);
      if (media.error !== null) {
        this.sendError(res, headers, new EtcdError(ErrorCode.InvalidForm, media.error, 0));
        return;
      }
      if (media.type === 'application/x-www-form-urlencoded') {
        this.readForm(req, res, method, key, rawQuery, headers);
        return;
      }
    }
    const form: FormValues = new Map();
    const err = rawQuery === '' ? null : parseFormInto(form, rawQuery);
    this.dispatch(req, res, method, key, form, err, headers);
  }

  /** An urlencoded body, already read by the server; larger than allowed is error 210 and the connection ends. */
  private readForm(
    req: Http1Request,
    res: Http1Response,
    method: string,
    key: string,
    rawQuery: string,
    headers: HeaderList,
  ): void {
    if (req.bodyTooLarge || req.body.length > this.maxFormBytes) {
      headers.push('Connection', 'close');
      this.sendError(res, headers, new EtcdError(ErrorCode.InvalidForm, 'http: POST too large', 0));
      return;
    }
    const body = req.body.toString('utf8');
    const form: FormValues = new Map();
    let err = body === '' ? null : parseFormInto(form, body);
    if (rawQuery !== '') {
      const queryErr = parseFormInto(form, rawQuery);
      err ??= queryErr;
    }
    this.dispatch(req, res, method, key, form, err, headers);
  }

  private dispatch(
    req: Http1Request,
    res: Http1Response,
    method: string,
    key: string,
    form: FormValues,
    formError: string | null,
    headers: HeaderList,
  ): void {
    if (formError !== null) {
      this.sendError(res, headers, new EtcdError(ErrorCode.InvalidForm, formError, 0));
      return;
    }
    let r: KeyRequest;
    try {
      r = parseKeyRequest(method, key, form);
    } catch (err) {
      this.reply(res, headers, err);
      return;
    }
    // Counted as etcd counts them: a quorum GET as QGET, and watches not as received.
    const label = ClientMetrics.methodLabel(method, r.quorum);
    const started = this.metrics.now();
    if (!r.wait) this.metrics.countReceived(label);
    if (method === 'GET' || method === 'HEAD') {
      // quorum=true wins over wait=true, as in etcd; consistent=true and --linearizable-reads
      // leave a watch a watch.
      const linearizable = (method === 'GET' && r.quorum) || (!r.wait && (r.consistent || this.linearizableReads));
      if (linearizable) {
        this.face
          .readBarrier()
          .then(
            () => this.get(res, r, headers, label, started),
            (err: unknown) => this.fail(res, headers, err, label),
          )
          .catch((err: unknown) => sendInternalError(res, err));
      } else if (r.wait) {
        this.watch(req, res, r, headers, label);
      } else {
        this.get(res, r, headers, label, started);
      }
      return;
    }
    const storeRequest = toStoreRequest(r, wallClockMs());
    if (storeRequest === null) {
      this.sendError(res, headers, new EtcdError(ErrorCode.InvalidField, 'unsupported method', 0));
      return;
    }
    this.metrics.proposalStarted();
    this.face.propose(storeRequest).then(
      (event) => {
        this.metrics.proposalEnded();
        this.sendEvent(res, headers, event, r.noValueOnSuccess);
        this.metrics.countSucceeded(label, started);
      },
      (err: unknown) => {
        this.metrics.proposalEnded();
        if (!(err instanceof EtcdError) || err.errorCode === ErrorCode.RaftInternal) this.metrics.proposalsFailed.inc();
        this.fail(res, headers, err, label);
      },
    ).catch((err: unknown) => sendInternalError(res, err));
  }

  private get(res: Http1Response, r: KeyRequest, headers: HeaderList, label: string, started: number): void {
    let event: StoreEvent;
    try {
      event = this.face.store.get(r.key, { recursive: r.recursive, sorted: r.sorted, now: Date.now() });
    } catch (err) {
      this.fail(res, headers, err, label);
      return;
    }
    this.sendEvent(res, headers, event, false);
    this.metrics.countSucceeded(label, started);
  }

  /** Answers a request the server could not carry out, and counts it under its status code. */
  private fail(res: Http1Response, headers: HeaderList, err: unknown, label: string): void {
    this.metrics.countFailed(label, err instanceof EtcdError ? statusOfErrorCode(err.errorCode) : 500);
    this.reply(res, headers, err);
  }

  private watch(req: Http1Request, res: Http1Response, r: KeyRequest, headers: HeaderList, label: string): void {
    // Opt-in Server-Sent Events: always a stream, resumed after the client's Last-Event-ID.
    const sse = acceptsEventStream(req.headers.accept);
    const lastSeen = sse ? lastEventIndex(req.headers['last-event-id']) : null;
    const sinceIndex = lastSeen === null ? r.waitIndex : Math.max(r.waitIndex, lastSeen + 1);
    const stream = r.stream || sse;
    let watcher: Watcher;
    try {
      watcher = this.face.store.watch(r.key, { recursive: r.recursive, stream, sinceIndex, replay: sse, filter: r.watchFilter });
    } catch (err) {
      this.fail(res, headers, err, label);
      return;
    }
    if (sse) headers.push('Cache-Control', 'no-cache');
    headers.push(
      'Content-Type',
      sse ? TEXT_EVENT_STREAM : APPLICATION_JSON,
      'X-Etcd-Index',
      String(watcher.startIndex),
      'X-Raft-Index',
      String(this.face.raftIndex()),
      'X-Raft-Term',
      String(this.face.raftTerm()),
    );
    res.writeHead(200, headers);
    if (sse) res.write(idOnlyMessage(sinceIndex > 0 ? sinceIndex - 1 : watcher.startIndex));
    else res.flushHeaders();
    // The opt-in waitTimeout: a watch that saw no event (or a stream, whatever it saw) ends with
    // what it has sent so far once it has waited that long.
    let timer: NodeJS.Timeout | null = null;
    const stopTimer = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    };
    if (r.waitTimeoutMs !== null) {
      timer = setTimeout(() => {
        timer = null;
        watcher.remove();
        if (!res.writableEnded) res.end();
      }, r.waitTimeoutMs);
      timer.unref();
    }
    res.on('close', () => {
      stopTimer();
      watcher.remove();
    });
    watcher.listen(
      (event) => {
        try {
          this.deliver(res, watcher, event, stream, sse);
        } catch (err) {
          watcher.remove();
          sendInternalError(res, err);
        }
        if (res.writableEnded) stopTimer();
      },
      () => {
        stopTimer();
        if (!res.writableEnded) res.end();
      },
    );
  }

  /** Writes one event to a watch response; a long poll ends with it, a stream may fall behind. */
  private deliver(res: Http1Response, watcher: Watcher, event: StoreEvent, stream: boolean, sse: boolean): void {
    if (res.writableEnded || res.destroyed) {
      watcher.remove();
      return;
    }
    if (!stream) {
      watcher.remove();
      res.end(sharedEventLine(event));
      return;
    }
    res.write(sse ? eventMessage(event.index, sharedEventLine(event)) : sharedEventLine(event));
    if (res.writableLength > STREAM_BACKLOG_LIMIT) {
      watcher.remove();
      res.end();
    }
  }

  private sendEvent(res: Http1Response, headers: HeaderList, event: StoreEvent, noValueOnSuccess: boolean): void {
    const action = event.action;
    const created = action === 'create' || (action === 'set' && event.prevNode === undefined);
    headers.push(
      'Content-Type',
      APPLICATION_JSON,
      'X-Etcd-Index',
      String(event.index),
      'X-Raft-Index',
      String(this.face.raftIndex()),
      'X-Raft-Term',
      String(this.face.raftTerm()),
    );
    const body =
      noValueOnSuccess && (action === 'set' || action === 'create' || action === 'update' || action === 'compareAndSwap')
        ? `{"action":"${action}"}\n`
        : eventLine(event);
    sendBody(res, created ? 201 : 200, headers, body);
  }

  /** Answers a failure: an etcd error as such, anything else as 300 Raft Internal Error. */
  private reply(res: Http1Response, headers: HeaderList, err: unknown): void {
    if (err instanceof EtcdError) {
      this.sendError(res, headers, err);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.sendError(res, headers, new EtcdError(ErrorCode.RaftInternal, message, 0));
  }

  private sendError(res: Http1Response, headers: HeaderList, err: EtcdError): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    headers.push('Content-Type', APPLICATION_JSON, 'X-Etcd-Index', String(err.index));
    sendBody(res, statusOfErrorCode(err.errorCode), headers, errorLine(err));
  }
}

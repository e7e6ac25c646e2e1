/** Errors the client raises: etcd's own error replies, and failures to reach a usable member. */

/** An error reply from etcd's keys API, carrying etcd's error code. */
export class EtcdError extends Error {
  override readonly name: string = 'EtcdError';
  /** etcd's error code, e.g. 100 for "Key not found". */
  readonly errorCode: number;
  /** What etcd said caused it (often a key path); '' when it said nothing. */
  override readonly cause: string;
  /** The etcd index the error refers to (0 for request validation errors). */
  readonly index: number;

  constructor(errorCode: number, message: string, cause: string, index: number) {
    super(message);
    this.errorCode = errorCode;
    this.cause = cause;
    this.index = index;
  }

  /** The one-line form etcd's own tools print: `100: Key not found (/foo) [6]`. */
  describe(): string {
    return `${this.errorCode}: ${this.message} (${this.cause}) [${this.index}]`;
  }
}

/** Raised by a watch whose start index has left the server's event history (etcd code 401). */
export class WatchIndexClearedError extends EtcdError {
  override readonly name: string = 'WatchIndexClearedError';
}

/** etcd's v2 error codes by name (one table, shared with the store that raises them). */
export { ErrorCode as ERROR_CODES } from '../store/errors.js';

/** A failure to get an answer from one endpoint (connection refused, reset, header timeout, 5xx). */
export class EndpointError extends Error {
  override readonly name: string = 'EndpointError';
  /** Endpoint URL the failure happened on. */
  readonly endpoint: string;
  /** True when the failure is about the connection itself (refused, reset, timed out). */
  readonly isConnectionFailure: boolean;
  constructor(endpoint: string, message: string, isConnectionFailure: boolean) {
    super(message);
    this.endpoint = endpoint;
    this.isConnectionFailure = isConnectionFailure;
  }
}

/** Every endpoint was tried and none answered usefully. */
export class ClusterUnavailableError extends Error {
  override readonly name: string = 'ClusterUnavailableError';
  readonly errors: EndpointError[];
  constructor(errors: EndpointError[]) {
    super(
      'client: etcd cluster is unavailable or misconfigured' +
        errors.map((e, i) => `; error #${i}: ${e.message}\n`).join(''),
    );
    this.errors = errors;
  }
  /** One line per endpoint failure. */
  detail(): string {
    return this.errors.map((e, i) => `error #${i}: ${e.message}\n`).join('');
  }
  /** True when every failure was a connection failure (nothing answered at all). */
  get allConnectionFailures(): boolean {
    return this.errors.every((e) => e.isConnectionFailure);
  }
}

/** The call's total time bound ran out. */
export class TotalTimeoutError extends Error {
  override readonly name: string = 'TotalTimeoutError';
  constructor() {
    super('context deadline exceeded');
  }
}

/** The call was aborted through its AbortSignal. */
export class CallAbortedError extends Error {
  override readonly name: string = 'CallAbortedError';
  constructor() {
    super('context canceled');
  }
}

/** The endpoint answered with something that is not etcd's JSON. */
export class InvalidResponseError extends Error {
  override readonly name: string = 'InvalidResponseError';
  /** HTTP status of the reply. */
  readonly status: number;
  constructor(status: number, message = 'client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint') {
    super(message);
    this.status = status;
  }
}

/** A reply from the members API other than success, with the server's message. */
export class MembersApiError extends Error {
  override readonly name: string = 'MembersApiError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

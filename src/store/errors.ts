/**
 * Errors raised by the v2 store and by v2 request validation, carrying etcd's numeric error codes and
 * byte-exact messages. The HTTP layer maps codes to status codes; nothing here knows about HTTP.
 */

export const ErrorCode = {
  KeyNotFound: 100,
  TestFailed: 101,
  NotFile: 102,
  NoMorePeer: 103,
  NotDir: 104,
  NodeExist: 105,
  KeyIsPreserved: 106,
  RootReadOnly: 107,
  DirNotEmpty: 108,
  ExistingPeerAddr: 109,
  Unauthorized: 110,

  ValueRequired: 200,
  PrevValueRequired: 201,
  TtlNaN: 202,
  IndexNaN: 203,
  ValueOrTtlRequired: 204,
  TimeoutNaN: 205,
  NameRequired: 206,
  IndexOrValueRequired: 207,
  IndexValueMutex: 208,
  InvalidField: 209,
  InvalidForm: 210,
  RefreshValue: 211,
  RefreshTtlRequired: 212,

  RaftInternal: 300,
  LeaderElect: 301,

  WatcherCleared: 400,
  EventIndexCleared: 401,
  StandbyInternal: 402,
  InvalidActiveSize: 403,
  InvalidRemoveDelay: 404,

  ClientInternal: 500,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const messages: Readonly<Record<number, string>> = {
  100: 'Key not found',
  101: 'Compare failed',
  102: 'Not a file',
  103: 'Reached the max number of peers in the cluster',
  104: 'Not a directory',
  105: 'Key already exists',
  106: 'The prefix of given key is a keyword in etcd',
  107: 'Root is read only',
  108: 'Directory not empty',
  109: 'Peer address has existed',
  110: 'The request requires user authentication',
  200: 'Value is Required in POST form',
  201: 'PrevValue is Required in POST form',
  202: 'The given TTL in POST form is not a number',
  203: 'The given index in POST form is not a number',
  204: 'Value or TTL is required in POST form',
  205: 'The given timeout in POST form is not a number',
  206: 'Name is required in POST form',
  207: 'Index or value is required',
  208: 'Index and value cannot both be specified',
  209: 'Invalid field',
  210: 'Invalid POST form',
  211: 'Value provided on refresh',
  212: 'A TTL must be provided on refresh',
  300: 'Raft Internal Error',
  301: 'During Leader Election',
  400: 'watcher is cleared due to etcd recovery',
  401: 'The event in requested index is outdated and cleared',
  402: 'Standby Internal Error',
  403: 'Invalid active size',
  404: 'Standby remove delay',
  500: 'Client Internal Error',
};

/** etcd's fixed message for an error code ('' for an unknown code). */
export function errorMessage(code: number): string {
  return messages[code] ?? '';
}

/** The JSON shape of an etcd v2 error body (field order as etcd writes it). */
export interface EtcdErrorJSON {
  readonly errorCode: number;
  readonly message: string;
  readonly cause?: string;
  readonly index: number;
}

export class EtcdError extends Error {
  readonly errorCode: number;
  /** Empty when there is no cause; it is then left out of the JSON body. */
  override readonly cause: string;
  /** The etcd index reported with the error (0 for request validation errors). */
  index: number;

  constructor(errorCode: number, cause: string, index: number) {
    super(errorMessage(errorCode));
    this.name = 'EtcdError';
    this.errorCode = errorCode;
    this.cause = cause;
    this.index = index;
  }

  toJSON(): EtcdErrorJSON {
    return this.cause === ''
      ? { errorCode: this.errorCode, message: this.message, index: this.index }
      : { errorCode: this.errorCode, message: this.message, cause: this.cause, index: this.index };
  }
}

export function isEtcdError(value: unknown): value is EtcdError {
  return value instanceof EtcdError;
}

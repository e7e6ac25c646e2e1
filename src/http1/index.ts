/** The lean HTTP/1.1 server of the client port. */
export {
  createHttp1Server,
  httpDate,
  Http1Response,
  type Http1Handler,
  type Http1Server,
  type Http1ServerOptions,
  type Http1TlsOptions,
} from './server.js';
export {
  RequestParser,
  Http1ParseError,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_HEAD_BYTES,
  DEFAULT_MAX_HEADER_COUNT,
  type Http1Headers,
  type Http1Request,
  type ParseSink,
  type ParserLimits,
} from './parser.js';
export { statusText } from './status-text.js';

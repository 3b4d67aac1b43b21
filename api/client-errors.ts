import { AppError, validationError } from '../core/kernel/errors.js'

/** Codes of zlib's errors for data that does not decompress: Z_DATA_ERROR (gzip, deflate), ERR__ERROR_FORMAT_* (brotli) and the like. */
const DECOMPRESSION_CODE = /^(Z_|ERR__ERROR_)|BROTLI|ZSTD/

/**
 * The caller's mistakes that express, its body parsers and Node report as plain errors (a body that is not JSON or
 * does not decompress, a malformed percent-escape), as typed errors naming what was wrong; undefined for anything else.
 * Their own texts ("incorrect header check", "URI malformed") are never shown.
 */
export function clientError(err: unknown): AppError | undefined {
  if (!(err instanceof Error) || err instanceof AppError) return undefined
  const e = err as Error & { type?: string; limit?: number; status?: number; code?: string; errno?: number }
  if (e.type === 'entity.parse.failed') return validationError([{ field: 'body', message: 'is not valid JSON' }])
  if (e.type === 'entity.too.large') {
    return new AppError('VALIDATION_ERROR', `The body is larger than the limit of ${e.limit} bytes`, { limit_bytes: e.limit }, 413)
  }
  if (e.type === 'encoding.unsupported') {
    return validationError(
      [{ field: 'Content-Encoding', message: 'is not supported: send the body uncompressed, or as gzip, deflate or br' }],
      415,
    )
  }
  if (e.type === 'charset.unsupported')
    return validationError([{ field: 'Content-Type', message: 'names an unsupported charset: send UTF-8' }], 415)
  if (e.type === 'request.aborted' || e.type === 'request.size.invalid') {
    return validationError([{ field: 'body', message: 'ended before the length the Content-Length header announced' }])
  }
  if (typeof e.errno === 'number' && DECOMPRESSION_CODE.test(e.code ?? '')) {
    return validationError([
      { field: 'body', message: 'does not decompress with the Content-Encoding it names: send it uncompressed or compressed correctly' },
    ])
  }
  if (e instanceof URIError) {
    return validationError([{ field: 'url', message: 'has a malformed percent-escape (such as %E0%A4%A); write a literal % as %25' }])
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return validationError([{ field: 'request', message: 'could not be read: check the method, headers and body' }], e.status)
  }
  return undefined
}

/** Node's parser errors (llhttp's codes) for the part of the request they are about, with what to fix. */
const PARSER_ERRORS: ReadonlyMap<string, { field: string; message: string }> = new Map([
  [
    'HPE_INVALID_HEADER_TOKEN',
    {
      field: 'headers',
      message:
        'hold a character HTTP does not allow in a header name or value (a control character such as \\u0001, or a space or colon in a name)',
    },
  ],
  ['HPE_LF_EXPECTED', { field: 'headers', message: 'must each end with CR LF' }],
  ['HPE_CR_EXPECTED', { field: 'headers', message: 'must each end with CR LF' }],
  ['HPE_UNEXPECTED_SPACE', { field: 'headers', message: 'may not start with a space (folded header lines are not accepted)' }],
  ['HPE_INVALID_METHOD', { field: 'request line', message: 'names no HTTP method: start the request with GET, HEAD or POST' }],
  [
    'HPE_INVALID_URL',
    { field: 'request line', message: 'has a path with a character a URL may not hold (control characters must be percent-escaped)' },
  ],
  ['HPE_INVALID_CONSTANT', { field: 'request line', message: 'must read METHOD /path HTTP/1.1 (a space in the path is written %20)' }],
  ['HPE_INVALID_VERSION', { field: 'request line', message: 'must end with HTTP/1.1 (or HTTP/1.0) and CR LF' }],
  ['HPE_INVALID_CONTENT_LENGTH', { field: 'Content-Length', message: 'must be one whole number of bytes' }],
  ['HPE_UNEXPECTED_CONTENT_LENGTH', { field: 'Content-Length', message: 'may be given only once' }],
  ['HPE_INVALID_TRANSFER_ENCODING', { field: 'Transfer-Encoding', message: 'must end with chunked, and may not come with Content-Length' }],
  ['HPE_INVALID_CHUNK_SIZE', { field: 'body', message: 'is not valid chunked encoding: each chunk starts with its size in hexadecimal' }],
])

/**
 * A request Node's HTTP parser refused before the app saw it (Node's own answer is a bare status with no body), as a
 * typed error naming what to fix: 431 for headers over the server's limit, 408 for a request that did not arrive in time.
 */
export function unparsedRequestError(err: Error & { code?: string }, maxHeaderBytes: number): AppError {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return validationError(
      [
        {
          field: 'headers',
          message: `are larger than ${maxHeaderBytes} bytes together: send fewer or shorter headers (or a smaller cookie)`,
        },
      ],
      431,
    )
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return validationError([{ field: 'request', message: 'did not arrive in time: send the headers and the body without pausing' }], 408)
  }
  return validationError([
    PARSER_ERRORS.get(err.code ?? '') ?? {
      field: 'request',
      message: 'could not be read as HTTP/1.1: check the request line, headers and body framing',
    },
  ])
}

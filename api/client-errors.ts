import { AppError, validationError } from '../core/errors.js'

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
    return validationError([{ field: 'Content-Encoding', message: 'is not supported: send the body uncompressed, or as gzip, deflate or br' }], 415)
  }
  if (e.type === 'charset.unsupported') return validationError([{ field: 'Content-Type', message: 'names an unsupported charset: send UTF-8' }], 415)
  if (e.type === 'request.aborted' || e.type === 'request.size.invalid') {
    return validationError([{ field: 'body', message: 'ended before the length the Content-Length header announced' }])
  }
  if (typeof e.errno === 'number' && DECOMPRESSION_CODE.test(e.code ?? '')) {
    return validationError([{ field: 'body', message: 'does not decompress with the Content-Encoding it names: send it uncompressed or compressed correctly' }])
  }
  if (e instanceof URIError) {
    return validationError([{ field: 'url', message: 'has a malformed percent-escape (such as %E0%A4%A); write a literal % as %25' }])
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return validationError([{ field: 'request', message: 'could not be read: check the method, headers and body' }], e.status)
  }
  return undefined
}

import { createHash, createHmac } from 'node:crypto'

// The fake S3 checks signatures with this, written from the AWS Signature V4 specification and apart from aws4fetch (which
// signs the product's requests), so a request passes only if two implementations agree.

/** What signing one S3 request needs. */
export interface SignInput {
  method: string
  url: URL
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (lower-case names). */
  headers?: Record<string, string>
  payloadSha256: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  date: Date
}

/** The SHA-256 of some bytes, in hex. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The headers that sign an S3 request with AWS Signature Version 4 (service s3), Authorization among them. */
export function signS3Request(input: SignInput): Record<string, string> {
  const amzDate = input.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: input.url.host,
    'x-amz-content-sha256': input.payloadSha256,
    'x-amz-date': amzDate,
  }
  const names = Object.keys(headers).sort()
  const query = [...input.url.searchParams].map(([k, v]) => [encode(k), encode(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const canonical = [
    input.method,
    input.url.pathname
      .split('/')
      .map((s) => encode(decodeURIComponent(s)))
      .join('/'),
    query.map(([k, v]) => `${k}=${v}`).join('&'),
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    input.payloadSha256,
  ].join('\n')
  const scope = `${day}/${input.region}/s3/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n')
  let key: Buffer = hmac(`AWS4${input.secretAccessKey}`, day)
  for (const part of [input.region, 's3', 'aws4_request']) key = hmac(key, part)
  const signature = createHmac('sha256', key).update(toSign).digest('hex')
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

/** RFC 3986 encoding as Signature V4 wants it: only unreserved characters stay as they are. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

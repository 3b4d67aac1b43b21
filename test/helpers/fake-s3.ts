import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sha256Hex, signS3Request } from './sigv4.js'

/** The S3 operations the fake serves, by the names of the S3 API reference. */
export type S3Operation = 'PutObject' | 'GetObject' | 'DeleteObject' | 'ListObjectsV2'

/** One object as the fake keeps it. */
export interface FakeObject {
  body: Buffer
  contentType: string
  lastModified: Date
  etag: string
}

/** One request the fake answered: what it was and what it said. */
export interface FakeS3Request {
  method: string
  operation: S3Operation | null
  bucket: string
  key: string
  query: Record<string, string>
  status: number
  /** The error code of a refusal (AccessDenied, SignatureDoesNotMatch, NoSuchKey...). */
  code: string | null
  /** The x-amz-content-sha256 the client sent (a hash, or UNSIGNED-PAYLOAD). */
  payload: string
}

/** A local S3-compatible server, path-style, that checks every request's Signature V4. */
export interface FakeS3 {
  /** The endpoint, e.g. http://127.0.0.1:41234 (buckets are addressed path-style under it). */
  url: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** Every request answered, in order. */
  requests: FakeS3Request[]
  /** Requests refused because they were not signed with the fake's keys ("METHOD /path?query"). */
  refused: string[]
  /** Largest ListObjectsV2 page the fake answers (S3's own is 1,000; a test sets it small to make the client page). */
  pageSize: number
  createBucket(name: string): void
  /** The objects of one bucket, by key; the bucket must exist. */
  bucket(name: string): Map<string, FakeObject>
  /** Puts an object straight in, as if uploaded at `lastModified`. */
  seed(bucket: string, key: string, body?: Buffer, lastModified?: Date): void
  /** Answers 403 AccessDenied to the given operations (every operation when none are named), signed or not. */
  deny(...operations: S3Operation[]): void
  /** Stops refusing. */
  allow(): void
  close(): Promise<void>
}

/** S3's clock tolerance: a request signed more than 15 minutes away from the server's time is refused. */
const MAX_SKEW_MS = 15 * 60_000

const MESSAGES: Record<string, string> = {
  AccessDenied: 'Access Denied',
  AuthorizationHeaderMalformed: 'The authorization header is malformed.',
  InvalidAccessKeyId: 'The AWS Access Key Id you provided does not exist in our records.',
  InvalidArgument: 'Invalid Argument',
  InvalidRequest: 'Missing required header for this request: x-amz-content-sha256',
  MethodNotAllowed: 'The specified method is not allowed against this resource.',
  NoSuchBucket: 'The specified bucket does not exist',
  NoSuchKey: 'The specified key does not exist.',
  NotImplemented: 'A header or query you provided implies functionality that is not implemented.',
  RequestTimeTooSkewed: 'The difference between the request time and the current time is too large.',
  SignatureDoesNotMatch:
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  XAmzContentSHA256Mismatch: "The provided 'x-amz-content-sha256' header does not match what was computed.",
}

/**
 * Starts a small S3-compatible server on a loopback port speaking S3's wire format for what the product uses: PutObject,
 * GetObject, DeleteObject and ListObjectsV2 (paged with continuation tokens), path-style, with S3's XML error bodies.
 * Every request's Signature V4 is computed again from the headers it says it signed; the payload may be signed
 * (x-amz-content-sha256 the body's hash, checked) or UNSIGNED-PAYLOAD.
 */
export async function startFakeS3(
  opts: { region?: string; accessKeyId?: string; secretAccessKey?: string; buckets?: string[]; pageSize?: number } = {},
): Promise<FakeS3> {
  const buckets = new Map<string, Map<string, FakeObject>>()
  const denied = new Set<S3Operation | '*'>()
  const fake: FakeS3 = {
    url: '',
    region: opts.region ?? 'us-east-1',
    accessKeyId: opts.accessKeyId ?? 'AKIDLOCALTEST',
    secretAccessKey: opts.secretAccessKey ?? 'local/secret/key',
    requests: [],
    refused: [],
    pageSize: opts.pageSize ?? 1000,
    createBucket: (name) => {
      if (!buckets.has(name)) buckets.set(name, new Map())
    },
    bucket: (name) => {
      const objects = buckets.get(name)
      if (!objects) throw new Error(`The fake S3 has no bucket ${name}`)
      return objects
    },
    seed: (bucket, key, body = Buffer.alloc(0), lastModified = new Date()) => {
      fake.bucket(bucket).set(key, { body, contentType: 'binary/octet-stream', lastModified, etag: etagOf(body) })
    },
    deny: (...operations) => {
      if (operations.length === 0) denied.add('*')
      for (const op of operations) denied.add(op)
    },
    allow: () => denied.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  for (const name of opts.buckets ?? []) fake.createBucket(name)

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    const [, bucketPart = '', ...keyParts] = url.pathname.split('/')
    const bucket = decodeURIComponent(bucketPart)
    const key = keyParts.map(decodeURIComponent).join('/')
    const operation = operationOf(req.method ?? '', key, url)
    const entry: FakeS3Request = {
      method: req.method ?? '',
      operation,
      bucket,
      key,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      code: null,
      payload: String(req.headers['x-amz-content-sha256'] ?? ''),
    }
    fake.requests.push(entry)
    const fail = (status: number, code: string, extra: Record<string, string> = {}) => {
      entry.status = status
      entry.code = code
      sendError(res, status, code, url.pathname, extra)
    }

    const auth = authenticate(req, url, body, fake)
    if (auth) {
      if (auth.code === 'SignatureDoesNotMatch' || auth.code === 'InvalidAccessKeyId')
        fake.refused.push(`${req.method} ${url.pathname}${url.search}`)
      return fail(auth.status, auth.code, auth.extra)
    }
    if (!operation) return fail(405, 'MethodNotAllowed', { Method: req.method ?? '', ResourceType: key ? 'OBJECT' : 'BUCKET' })
    if (denied.has('*') || denied.has(operation)) return fail(403, 'AccessDenied')
    const objects = buckets.get(bucket)
    if (!objects) return fail(404, 'NoSuchBucket', { BucketName: bucket })

    if (operation === 'PutObject') {
      const stored: FakeObject = {
        body,
        contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
        lastModified: new Date(),
        etag: etagOf(body),
      }
      objects.set(key, stored)
      entry.status = 200
      res.writeHead(200, { etag: stored.etag, 'x-amz-request-id': requestId(), server: 'AmazonS3' }).end()
      return
    }
    if (operation === 'GetObject') {
      const found = objects.get(key)
      if (!found) return fail(404, 'NoSuchKey', { Key: key })
      entry.status = 200
      res
        .writeHead(200, {
          'content-type': found.contentType,
          'content-length': String(found.body.length),
          etag: found.etag,
          'last-modified': found.lastModified.toUTCString(),
          'accept-ranges': 'bytes',
          'x-amz-request-id': requestId(),
          server: 'AmazonS3',
        })
        .end(found.body)
      return
    }
    if (operation === 'DeleteObject') {
      // S3 answers 204 whether or not the key was there.
      objects.delete(key)
      entry.status = 204
      res.writeHead(204, { 'x-amz-request-id': requestId(), server: 'AmazonS3' }).end()
      return
    }
    // ListObjectsV2
    if (url.searchParams.has('delimiter') || url.searchParams.has('encoding-type')) return fail(501, 'NotImplemented')
    const prefix = url.searchParams.get('prefix') ?? ''
    const maxKeysParam = url.searchParams.get('max-keys')
    const maxKeys = maxKeysParam === null ? 1000 : Number(maxKeysParam)
    if (!Number.isInteger(maxKeys) || maxKeys < 0)
      return fail(400, 'InvalidArgument', { ArgumentName: 'max-keys', ArgumentValue: maxKeysParam ?? '' })
    const token = url.searchParams.get('continuation-token')
    let after = url.searchParams.get('start-after') ?? ''
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64').toString('utf8')
      if (!decoded.startsWith('after:'))
        return fail(400, 'InvalidArgument', {
          Message: 'The continuation token provided is incorrect',
          ArgumentName: 'continuation-token',
          ArgumentValue: token,
        })
      after = decoded.slice('after:'.length)
    }
    const matching = [...objects.keys()].filter((k) => k.startsWith(prefix) && (!after || compareKeys(k, after) > 0)).sort(compareKeys)
    const page = matching.slice(0, Math.min(maxKeys, fake.pageSize))
    const truncated = page.length < matching.length
    const next = truncated ? Buffer.from(`after:${page[page.length - 1]}`).toString('base64') : null
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>\n',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${escapeXml(bucket)}</Name>`,
      prefix ? `<Prefix>${escapeXml(prefix)}</Prefix>` : '<Prefix/>',
      token !== null ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : '',
      next ? `<NextContinuationToken>${escapeXml(next)}</NextContinuationToken>` : '',
      `<KeyCount>${page.length}</KeyCount>`,
      `<MaxKeys>${maxKeys}</MaxKeys>`,
      `<IsTruncated>${truncated}</IsTruncated>`,
      ...page.map((k) => {
        const o = objects.get(k) as FakeObject
        return (
          `<Contents><Key>${escapeXml(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified>` +
          `<ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
        )
      }),
      '</ListBucketResult>',
    ].join('')
    entry.status = 200
    res.writeHead(200, { 'content-type': 'application/xml', 'x-amz-request-id': requestId(), server: 'AmazonS3' }).end(xml)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

/** Which operation a path-style request is: an object's PUT, GET or DELETE, or a bucket's GET ?list-type=2. */
function operationOf(method: string, key: string, url: URL): S3Operation | null {
  if (key) {
    if (method === 'PUT') return 'PutObject'
    if (method === 'GET') return 'GetObject'
    if (method === 'DELETE') return 'DeleteObject'
    return null
  }
  if (method === 'GET' && url.searchParams.get('list-type') === '2') return 'ListObjectsV2'
  return null
}

/** Why a request is not authenticated (S3's status, code and details), or null when its Signature V4 checks out. */
function authenticate(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  fake: FakeS3,
): { status: number; code: string; extra?: Record<string, string> } | null {
  const auth = String(req.headers.authorization ?? '')
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(
      auth,
    )
  if (!parsed) return { status: auth ? 400 : 403, code: auth ? 'AuthorizationHeaderMalformed' : 'AccessDenied' }
  const [, accessKeyId, day, region, service, signedList, signature] = parsed
  if (accessKeyId !== fake.accessKeyId) return { status: 403, code: 'InvalidAccessKeyId', extra: { AWSAccessKeyId: accessKeyId } }
  if (region !== fake.region || service !== 's3')
    return {
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      extra: { Message: `The authorization header is malformed; the region '${region}' is wrong; expecting '${fake.region}'` },
    }
  const amzDate = String(req.headers['x-amz-date'] ?? '')
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)
  if (!when)
    return { status: 403, code: 'AccessDenied', extra: { Message: 'AWS authentication requires a valid Date or x-amz-date header' } }
  const date = new Date(`${when[1]}-${when[2]}-${when[3]}T${when[4]}:${when[5]}:${when[6]}Z`)
  if (Math.abs(date.getTime() - Date.now()) > MAX_SKEW_MS)
    return { status: 403, code: 'RequestTimeTooSkewed', extra: { RequestTime: amzDate, ServerTime: new Date().toISOString() } }
  const payload = req.headers['x-amz-content-sha256']
  if (typeof payload !== 'string') return { status: 400, code: 'InvalidRequest' }
  if (payload !== 'UNSIGNED-PAYLOAD') {
    if (!/^[0-9a-f]{64}$/.test(payload))
      return {
        status: 400,
        code: 'InvalidArgument',
        extra: { Message: 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, or a valid sha256 value.' },
      }
    if (payload !== sha256Hex(body))
      return {
        status: 400,
        code: 'XAmzContentSHA256Mismatch',
        extra: { ClientComputedContentSHA256: payload, S3ComputedContentSHA256: sha256Hex(body) },
      }
  }
  const signed = signedList.split(';')
  const expected = signS3Request({
    method: req.method ?? '',
    url,
    payloadSha256: payload,
    region: fake.region,
    accessKeyId: fake.accessKeyId,
    secretAccessKey: fake.secretAccessKey,
    date,
    headers: Object.fromEntries(
      signed
        .filter((h) => !['host', 'x-amz-date', 'x-amz-content-sha256'].includes(h))
        .map((h) => [h, String(req.headers[h] ?? '').replace(/\s+/g, ' ')]),
    ),
  })
  const ours = /Signature=([0-9a-f]{64})$/.exec(expected.authorization)?.[1]
  const sameHeaders = /SignedHeaders=([^,]+)/.exec(expected.authorization)?.[1] === signedList
  if (day !== amzDate.slice(0, 8) || !sameHeaders || ours !== signature)
    return { status: 403, code: 'SignatureDoesNotMatch', extra: { AWSAccessKeyId: accessKeyId } }
  return null
}

/** S3's error body: an XML <Error> with its code, message, the resource and a request id. */
function sendError(res: ServerResponse, status: number, code: string, resource: string, extra: Record<string, string>): void {
  const { Message: message = MESSAGES[code] ?? code, ...rest } = extra
  const id = requestId()
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${code}</Code><Message>${escapeXml(message)}</Message>` +
    Object.entries(rest)
      .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
      .join('') +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${id}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': id, server: 'AmazonS3' }).end(xml)
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** S3 lists keys in the binary order of their UTF-8 bytes. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** A single-part upload's ETag: the MD5 of its bytes in hex, in double quotes. */
function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase()
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

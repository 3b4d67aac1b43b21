import { createHash } from 'node:crypto'
import { AwsClient } from 'aws4fetch'
import type { S3Settings } from '../kernel/config.js'
import { AppError } from '../kernel/errors.js'
import { log } from '../kernel/log.js'
import { MissingContentError, type DocumentStore } from './store.js'

/** Longest an S3 call may take before the upload or download fails (a store that does not answer must not hold a request forever). */
const S3_TIMEOUT_MS = 30_000

/** Documents as objects <bucket>/<business id>/<sha256> in an S3-compatible store, with PUT, GET and DELETE Object signed by Signature V4 (aws4fetch). */
export function s3Store(s3: S3Settings, now: () => Date = () => new Date()): DocumentStore {
  const urlOf = (tenantId: string, sha256: string) => new URL(`${s3.endpoint}/${encodeURIComponent(s3.bucket)}/${tenantId}/${sha256}`)
  const client = new AwsClient({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region, service: 's3' })
  const send = (method: 'PUT' | 'GET' | 'DELETE', url: URL, body?: Buffer) =>
    client.fetch(url, {
      method,
      body,
      // The body's hash is signed (aws4fetch would send UNSIGNED-PAYLOAD for S3), so the store refuses a body changed on the way.
      headers: {
        'x-amz-content-sha256': createHash('sha256')
          .update(body ?? '')
          .digest('hex'),
        ...(body ? { 'content-type': 'application/octet-stream' } : {}),
      },
      signal: AbortSignal.timeout(S3_TIMEOUT_MS),
      aws: {
        datetime: now()
          .toISOString()
          .replace(/[:-]|\.\d{3}/g, ''),
      },
    })
  return {
    kind: 's3',
    describe: () => `in the S3-compatible bucket ${s3.bucket} at ${s3.endpoint}`,
    async put(_tx, tenantId, sha256, bytes) {
      const res = await send('PUT', urlOf(tenantId, sha256), bytes)
      if (!res.ok) throw unavailable('keep', res.status, await res.text())
    },
    async get(_tx, tenantId, sha256) {
      const res = await send('GET', urlOf(tenantId, sha256))
      if (res.status === 404) throw new MissingContentError(`the bucket ${s3.bucket}`)
      if (!res.ok) throw unavailable('give back', res.status, await res.text())
      return Buffer.from(await res.arrayBuffer())
    },
    async remove(_tx, tenantId, sha256) {
      // S3 answers 204 whether or not the object was there.
      const res = await send('DELETE', urlOf(tenantId, sha256))
      if (!res.ok && res.status !== 404) throw unavailable('remove', res.status, await res.text())
    },
  }
}

/** The store said no: nothing about the call was wrong, so the caller may try again. The store's own answer stays in the log. */
function unavailable(what: string, status: number, answer: string): AppError {
  log('warn', 'document store refused', { status, answer: answer.slice(0, 300) })
  return new AppError('UNAVAILABLE', `The document store did not ${what} the file (HTTP ${status}); try again later`, {
    retry_after_seconds: 5,
  })
}

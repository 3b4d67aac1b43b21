import { AwsClient } from 'aws4fetch'
import type { BackupSettings } from '../kernel/config.js'

/** Longest one call to the bucket may take (an archive of a large business is a few hundred megabytes). */
const S3_TIMEOUT_MS = 10 * 60_000

/** An archive kept in the bucket. */
export interface RemoteArchive {
  key: string
  name: string
}

/** The bucket's refusal, with its own code (AccessDenied, NoSuchBucket...) and what it said. */
export class BucketError extends Error {
  constructor(what: string, status: number, body: string) {
    const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1]
    super(`The backup bucket did not ${what} (HTTP ${status}${code ? ` ${code}` : ''})`)
    this.name = 'BucketError'
  }
}

/** Archives in an S3-compatible bucket (AWS S3, Backblaze B2, Cloudflare R2, MinIO), path-style, signed with Signature V4. */
export function backupBucket(s3: NonNullable<BackupSettings['s3']>) {
  const client = new AwsClient({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region, service: 's3' })
  const base = `${s3.endpoint}/${encodeURIComponent(s3.bucket)}`
  const urlOf = (key: string) => `${base}/${key.split('/').map(encodeURIComponent).join('/')}`
  return {
    /** Where an archive goes, as shown to the owner. */
    where: (name: string) => `s3://${s3.bucket}/${s3.prefix}${name}`,
    /** Uploads one archive under the prefix. */
    async put(name: string, bytes: Buffer): Promise<string> {
      const res = await client.fetch(urlOf(`${s3.prefix}${name}`), {
        method: 'PUT',
        body: bytes,
        headers: { 'content-type': 'application/octet-stream' },
        signal: AbortSignal.timeout(S3_TIMEOUT_MS),
      })
      if (!res.ok) throw new BucketError('take the archive', res.status, await res.text())
      return `s3://${s3.bucket}/${s3.prefix}${name}`
    },
    /** Downloads one archive. */
    async get(name: string): Promise<Buffer> {
      const res = await client.fetch(urlOf(`${s3.prefix}${name}`), { signal: AbortSignal.timeout(S3_TIMEOUT_MS) })
      if (!res.ok) throw new BucketError('give back the archive', res.status, await res.text())
      return Buffer.from(await res.arrayBuffer())
    },
    /** Every archive under the prefix, page after page (ListObjectsV2). */
    async list(): Promise<RemoteArchive[]> {
      const found: RemoteArchive[] = []
      let token: string | undefined
      do {
        const query = new URLSearchParams({ 'list-type': '2', prefix: s3.prefix })
        if (token) query.set('continuation-token', token)
        const res = await client.fetch(`${base}?${query}`, { signal: AbortSignal.timeout(60_000) })
        const body = await res.text()
        if (!res.ok) throw new BucketError('list the archives', res.status, body)
        for (const match of body.matchAll(/<Contents>[\s\S]*?<Key>([^<]+)<\/Key>[\s\S]*?<\/Contents>/g)) {
          const key = unescapeXml(match[1])
          found.push({ key, name: key.slice(s3.prefix.length) })
        }
        token = /<IsTruncated>true<\/IsTruncated>/.test(body)
          ? unescapeXml(/<NextContinuationToken>([^<]+)</.exec(body)?.[1] ?? '')
          : undefined
      } while (token)
      return found
    },
    /** Deletes one archive; deleting what is not there changes nothing. */
    async remove(name: string): Promise<void> {
      const res = await client.fetch(urlOf(`${s3.prefix}${name}`), { method: 'DELETE', signal: AbortSignal.timeout(60_000) })
      if (!res.ok && res.status !== 404) throw new BucketError('delete the archive', res.status, await res.text())
    },
  }
}

/** A bucket of archives. */
export type BackupBucket = ReturnType<typeof backupBucket>

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { S3Settings } from '../../../core/config.js'
import { sha256Hex, signS3Request } from '../../../core/documents/s3-signature.js'
import { s3Store } from '../../../core/documents/s3-store.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { b64, pdf, PNG } from '../../helpers/files.js'
import { newContact, signedIn } from '../../helpers/fixtures.js'

const KEYS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local/secret/key' }

/** A small S3-compatible server: PUT, GET and DELETE Object, path-style, refusing any request whose Signature V4 does not check out. */
function fakeS3(): { objects: Map<string, Buffer>; refused: string[]; start(): Promise<string>; stop(): Promise<void> } {
  const objects = new Map<string, Buffer>()
  const refused: string[] = []
  let server: Server
  const body = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)))
    })
  return {
    objects,
    refused,
    start: () =>
      new Promise((resolve) => {
        server = createServer(async (req, res) => {
          const data = await body(req)
          const auth = String(req.headers.authorization ?? '')
          const date = String(req.headers['x-amz-date'] ?? '')
          const payload = String(req.headers['x-amz-content-sha256'] ?? '')
          const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1].split(';') ?? []
          const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
          const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date)
          const expected =
            when &&
            signS3Request({
              method: req.method ?? '',
              url,
              payloadSha256: payload,
              region: 'us-east-1',
              ...KEYS,
              date: new Date(`${when[1]}-${when[2]}-${when[3]}T${when[4]}:${when[5]}:${when[6]}Z`),
              headers: Object.fromEntries(
                signed.filter((h) => !['host', 'x-amz-date', 'x-amz-content-sha256'].includes(h)).map((h) => [h, String(req.headers[h])]),
              ),
            })
          if (!expected || expected.authorization !== auth || payload !== sha256Hex(data)) {
            refused.push(`${req.method} ${req.url}`)
            res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>')
            return
          }
          if (req.method === 'PUT') {
            objects.set(url.pathname, data)
            res.writeHead(200, { etag: '"x"' }).end()
          } else if (req.method === 'DELETE') {
            objects.delete(url.pathname)
            res.writeHead(204).end()
          } else if (objects.has(url.pathname)) {
            res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(objects.get(url.pathname))
          } else {
            res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>')
          }
        }).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
      }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

describe('Signature V4 for S3', () => {
  it("signs AWS's published GET Object example to its published signature", () => {
    // From the Amazon S3 API reference, "Signature Calculations for the Authorization Header", example GET Object.
    const headers = signS3Request({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { range: 'bytes=0-9' },
      payloadSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      date: new Date('2013-05-24T00:00:00Z'),
    })
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    )
  })
})

describe.each(engines)('documents in an S3-compatible store (%s)', (engine) => {
  const s3 = fakeS3()
  let app: TestApp
  let settings: S3Settings

  beforeAll(async () => {
    const endpoint = await s3.start()
    settings = { endpoint, bucket: 'crm-files', region: 'us-east-1', ...KEYS }
    app = await startTestApp(engine, { documents: s3Store(settings) })
  })
  afterAll(async () => {
    await app?.close()
    await s3.stop()
  })

  it('puts each upload in the bucket under the business and its hash, signed, and reads it back', async () => {
    const jane = await newContact(app, { display_name: 'Jane Bucket' })
    const photo = expectData(await app.action('document', 'upload', { contact_id: jane, name: 'Porch', content_base64: b64(PNG) }))
    const contract = expectData(
      await app.action('document', 'upload', { contact_id: jane, name: 'Contract', content_base64: b64(pdf('s3')) }),
    )
    expect([...s3.objects.keys()].sort()).toEqual(
      [`/crm-files/${app.tenant.tenant_id}/${photo.sha256}`, `/crm-files/${app.tenant.tenant_id}/${contract.sha256}`].sort(),
    )
    expect(s3.objects.get(`/crm-files/${app.tenant.tenant_id}/${photo.sha256}`)?.equals(PNG)).toBe(true)
    const read = expectData(await app.query({ type: 'document_content', id: contract.id }))
    expect(Buffer.from(read.content_base64, 'base64').equals(pdf('s3'))).toBe(true)
    expect(s3.refused).toEqual([])
  })

  it('says the store is unavailable when it refuses the keys, and then keeps no record of the file', async () => {
    const jane = await newContact(app, { display_name: 'Jane Refused' })
    const right = app.services.documents
    app.services.documents = s3Store({ ...settings, secretAccessKey: 'not the key' })
    try {
      const res = await app.action('document', 'upload', { contact_id: jane, name: 'Porch', content_base64: b64(pdf('refused')) })
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 503, code: 'UNAVAILABLE' })
    } finally {
      app.services.documents = right
    }
    expect(s3.refused).toHaveLength(1)
    expect(expectData(await app.query({ type: 'documents', contact_id: jane })).items).toEqual([])
    await expect(s3Store(settings).get(app.t.db, app.tenant.tenant_id, 'b'.repeat(64))).rejects.toThrow(/missing/)
  })

  it('erasing a customer deletes their files from the bucket, signed, and keeps the same bytes another customer still has', async () => {
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const zed = await newContact(app, { display_name: 'Zed Erased' })
    const olive = await newContact(app, { display_name: 'Olive Kept' })
    const own = expectData(
      await app.action('document', 'upload', { contact_id: zed, name: 'Contract', content_base64: b64(pdf('zed only')) }),
    )
    const shared = expectData(
      await app.action('document', 'upload', { contact_id: zed, name: 'Estimate', content_base64: b64(pdf('both')) }),
    )
    expectData(await app.action('document', 'upload', { contact_id: olive, name: 'Estimate', content_base64: b64(pdf('both')) }))
    const key = (sha256: string) => `/crm-files/${app.tenant.tenant_id}/${sha256}`
    expect(s3.objects.has(key(own.sha256))).toBe(true)
    const refusedBefore = s3.refused.length
    const erased = expectData(await owner.action('contact', 'erase', { contact_id: zed, confirm: true }))
    expect(erased.rows_changed).toMatchObject({ documents: 2, document_versions: 2 })
    expect(s3.objects.has(key(own.sha256))).toBe(false)
    expect(s3.objects.has(key(shared.sha256))).toBe(true)
    expect(s3.refused).toHaveLength(refusedBefore)
  })
})

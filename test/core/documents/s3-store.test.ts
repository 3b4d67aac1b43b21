import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { S3Settings } from '../../../core/kernel/config.js'
import { signS3Request } from '../../helpers/sigv4.js'
import { s3Store } from '../../../core/documents/s3-store.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeS3, type FakeS3 } from '../../helpers/fake-s3.js'
import { b64, pdf, PNG } from '../../helpers/files.js'
import { newContact, signedIn } from '../../helpers/fixtures.js'

describe("the fake S3's own Signature V4, apart from aws4fetch", () => {
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
  let s3: FakeS3
  let app: TestApp
  let settings: S3Settings
  /** The objects of the bucket, by key. */
  const objects = () => s3.bucket('crm-files')

  beforeAll(async () => {
    s3 = await startFakeS3({ buckets: ['crm-files'] })
    settings = {
      endpoint: s3.url,
      bucket: 'crm-files',
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    }
    app = await startTestApp(engine, { documents: s3Store(settings) })
  })
  afterAll(async () => {
    await app?.close()
    await s3?.close()
  })

  it('puts each upload in the bucket under the business and its hash, signed, and reads it back', async () => {
    const jane = await newContact(app, { display_name: 'Jane Bucket' })
    const photo = expectData(await app.action('document', 'upload', { contact_id: jane, name: 'Porch', content_base64: b64(PNG) }))
    const contract = expectData(
      await app.action('document', 'upload', { contact_id: jane, name: 'Contract', content_base64: b64(pdf('s3')) }),
    )
    expect([...objects().keys()].sort()).toEqual(
      [`${app.tenant.tenant_id}/${photo.sha256}`, `${app.tenant.tenant_id}/${contract.sha256}`].sort(),
    )
    expect(objects().get(`${app.tenant.tenant_id}/${photo.sha256}`)?.body.equals(PNG)).toBe(true)
    // Each upload was signed with its body's hash, and the fake checked the hash against the body.
    expect(s3.requests.filter((r) => r.operation === 'PutObject').map((r) => r.payload)).toEqual([photo.sha256, contract.sha256])
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
    const key = (sha256: string) => `${app.tenant.tenant_id}/${sha256}`
    expect(objects().has(key(own.sha256))).toBe(true)
    const refusedBefore = s3.refused.length
    const erased = expectData(await owner.action('contact', 'erase', { contact_id: zed, confirm: true }))
    expect(erased.rows_changed).toMatchObject({ documents: 2, document_versions: 2 })
    expect(objects().has(key(own.sha256))).toBe(false)
    expect(objects().has(key(shared.sha256))).toBe(true)
    expect(s3.refused).toHaveLength(refusedBefore)
  })
})

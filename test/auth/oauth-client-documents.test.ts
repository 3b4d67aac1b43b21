import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOCUMENT_MAX_BYTES, fetchClientMetadataDocument } from '../../core/auth/oauth/client-metadata-document.js'
import { servesOnlyThisMachine } from '../../core/auth/oauth/urls.js'
import { loadConfig } from '../../core/config.js'

describe('fetching a client ID metadata document', () => {
  let server: Server
  let base = ''
  beforeAll(async () => {
    server = await new Promise((resolve) => {
      const s = createServer((req, res) => {
        if (req.url === '/large.json') return res.setHeader('content-type', 'application/json').end(JSON.stringify({ pad: 'x'.repeat(DOCUMENT_MAX_BYTES) }))
        if (req.url === '/streamed.json') {
          // No Content-Length: the limit must hold while reading.
          res.setHeader('content-type', 'application/json')
          res.write('{"pad":"')
          for (let i = 0; i < 20; i++) res.write('y'.repeat(8 * 1024))
          return res.end('"}')
        }
        if (req.url === '/slow.json') return setTimeout(() => res.end('{}'), 2_000)
        if (req.url === '/moved.json') return res.writeHead(302, { location: '/ok.json' }).end()
        if (req.url === '/missing.json') return res.writeHead(404).end()
        if (req.url === '/not-json.json') return res.end('<html>')
        res.setHeader('content-type', 'application/json').end(JSON.stringify({ client_id: `${base}/ok.json` }))
      }).listen(0, '127.0.0.1', () => resolve(s))
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  it('reads a small JSON document from this machine when the server itself serves only this machine', async () => {
    expect(await fetchClientMetadataDocument(`${base}/ok.json`, true)).toEqual({ client_id: `${base}/ok.json` })
  })

  it('refuses plain http and private hosts for a server on the internet', async () => {
    await expect(fetchClientMetadataDocument(`${base}/ok.json`, false)).rejects.toMatchObject({ error: 'invalid_client', message: expect.stringContaining('https') })
    for (const id of ['https://127.0.0.1/c.json', 'https://10.1.2.3/c.json', 'https://192.168.0.9/c.json', 'https://localhost/c.json', 'https://[::1]/c.json']) {
      await expect(fetchClientMetadataDocument(id, false), id).rejects.toMatchObject({ message: expect.stringContaining('public host') })
    }
    await expect(fetchClientMetadataDocument('https://app.example/', false)).rejects.toMatchObject({ message: expect.stringContaining('path') })
  })

  it('bounds the size, with or without a declared length, and the time, and follows no redirect', async () => {
    await expect(fetchClientMetadataDocument(`${base}/large.json`, true)).rejects.toMatchObject({ message: expect.stringContaining(`larger than ${DOCUMENT_MAX_BYTES}`) })
    await expect(fetchClientMetadataDocument(`${base}/streamed.json`, true)).rejects.toMatchObject({ message: expect.stringContaining('larger than') })
    await expect(fetchClientMetadataDocument(`${base}/slow.json`, true, 300)).rejects.toMatchObject({ message: expect.stringContaining('within 0.3 s') })
    await expect(fetchClientMetadataDocument(`${base}/moved.json`, true)).rejects.toMatchObject({ error: 'invalid_client' })
    await expect(fetchClientMetadataDocument(`${base}/missing.json`, true)).rejects.toMatchObject({ message: expect.stringContaining('404') })
    await expect(fetchClientMetadataDocument(`${base}/not-json.json`, true)).rejects.toMatchObject({ message: expect.stringContaining('not JSON') })
  })

  it('trusts this machine only when the public address is on it', () => {
    expect(servesOnlyThisMachine(loadConfig({ PORT: '3000' }))).toBe(true)
    expect(servesOnlyThisMachine(loadConfig({ PUBLIC_BASE_URL: 'https://crm.sparkle.example' }))).toBe(false)
    expect(servesOnlyThisMachine(loadConfig({ PUBLIC_BASE_URL: 'http://crm.sparkle.example' }))).toBe(false)
  })
})

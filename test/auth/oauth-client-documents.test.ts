import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DOCUMENT_MAX_BYTES, fetchClientMetadataDocument, type ResolveHost } from '../../core/auth/oauth/client-metadata-document.js'
import { servesOnlyThisMachine } from '../../core/auth/oauth/urls.js'
import { loadConfig } from '../../core/kernel/config.js'

describe('fetching a client ID metadata document', () => {
  let server: Server
  let base = ''
  beforeAll(async () => {
    server = await new Promise((resolve) => {
      const s = createServer((req, res) => {
        if (req.url === '/large.json')
          return res.setHeader('content-type', 'application/json').end(JSON.stringify({ pad: 'x'.repeat(DOCUMENT_MAX_BYTES) }))
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
    await expect(fetchClientMetadataDocument(`${base}/ok.json`, false)).rejects.toMatchObject({
      error: 'invalid_client',
      message: expect.stringContaining('https'),
    })
    for (const id of [
      'https://127.0.0.1/c.json',
      'https://10.1.2.3/c.json',
      'https://192.168.0.9/c.json',
      'https://localhost/c.json',
      'https://[::1]/c.json',
    ]) {
      await expect(fetchClientMetadataDocument(id, false), id).rejects.toMatchObject({ message: expect.stringContaining('public host') })
    }
    await expect(fetchClientMetadataDocument('https://app.example/', false)).rejects.toMatchObject({
      message: expect.stringContaining('path'),
    })
  })

  it('refuses a host whose name resolves to an address that is not public, whatever it is called', async () => {
    const notPublic = [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.0.9',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '192.0.2.1',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:a00:1',
      '64:ff9b::a00:1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '2001:db8::1',
      '2002:a00:1::1',
      '2001:0:4136:e378::1',
    ]
    for (const address of notPublic) {
      const resolve: ResolveHost = async () => [{ address, family: address.includes(':') ? 6 : 4 }]
      await expect(fetchClientMetadataDocument('https://docs.client.example/c.json', false, { resolve }), address).rejects.toMatchObject({
        error: 'invalid_client',
        message: expect.stringContaining('public host'),
      })
    }
    // One private address among public ones is enough to refuse: a connection may try any of them.
    const mixed: ResolveHost = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]
    await expect(fetchClientMetadataDocument('https://docs.client.example/c.json', false, { resolve: mixed })).rejects.toMatchObject({
      message: expect.stringContaining('public host'),
    })
    // Written as addresses, or as a name with a trailing dot, they are refused as well.
    for (const id of [
      'https://localhost./c.json',
      'https://LocalHost../c.json',
      'https://printer.local./c.json',
      'https://[::ffff:127.0.0.1]/c.json',
      'https://[::]/c.json',
      'https://0.0.0.0/c.json',
      'https://2130706433/c.json',
      'https://0x7f.1/c.json',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/c.json',
      'https://[fe80::1]/c.json',
      'https://[fd00::1]/c.json',
    ]) {
      await expect(fetchClientMetadataDocument(id, false), id).rejects.toMatchObject({ message: expect.stringContaining('public host') })
    }
    const unresolvable: ResolveHost = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })
    }
    await expect(
      fetchClientMetadataDocument('https://nowhere.client.example/c.json', false, { resolve: unresolvable }),
    ).rejects.toMatchObject({ message: expect.stringContaining('could not be resolved') })
  })

  it("resolves with the system's resolver when none is given: this machine's own name is no public host", async () => {
    await expect(fetchClientMetadataDocument(`https://${hostname()}/c.json`, false)).rejects.toMatchObject({
      error: 'invalid_client',
      message: expect.stringMatching(/public host|could not be resolved/),
    })
  })

  it('connects to the address it checked, not to what the name resolves to a moment later', async () => {
    // The document is served on 127.0.0.2 only; nothing listens on that port at 127.0.0.1, where localhost resolves.
    const pinned: Server = await new Promise((resolve) => {
      const s = createServer((_req, res) => res.setHeader('content-type', 'application/json').end('{"served":"127.0.0.2"}')).listen(
        0,
        '127.0.0.2',
        () => resolve(s),
      )
    })
    try {
      const port = (pinned.address() as AddressInfo).port
      const asked: string[] = []
      const rebinding: ResolveHost = async (host) => {
        asked.push(host)
        return asked.length === 1 ? [{ address: '127.0.0.2', family: 4 }] : [{ address: '10.0.0.7', family: 4 }]
      }
      expect(await fetchClientMetadataDocument(`http://localhost:${port}/c.json`, true, { resolve: rebinding })).toEqual({
        served: '127.0.0.2',
      })
      expect(asked).toEqual(['localhost'])
      // For this machine's http only loopback addresses will do.
      const elsewhere: ResolveHost = async () => [{ address: '10.0.0.7', family: 4 }]
      await expect(fetchClientMetadataDocument(`http://localhost:${port}/c.json`, true, { resolve: elsewhere })).rejects.toMatchObject({
        message: expect.stringContaining('public host'),
      })
    } finally {
      pinned.closeAllConnections()
      await new Promise((r) => pinned.close(r))
    }
  })

  it('bounds the size, with or without a declared length, and the time, and follows no redirect', async () => {
    await expect(fetchClientMetadataDocument(`${base}/large.json`, true)).rejects.toMatchObject({
      message: expect.stringContaining(`larger than ${DOCUMENT_MAX_BYTES}`),
    })
    await expect(fetchClientMetadataDocument(`${base}/streamed.json`, true)).rejects.toMatchObject({
      message: expect.stringContaining('larger than'),
    })
    await expect(fetchClientMetadataDocument(`${base}/slow.json`, true, { timeoutMs: 300 })).rejects.toMatchObject({
      message: expect.stringContaining('within 0.3 s'),
    })
    await expect(fetchClientMetadataDocument(`${base}/moved.json`, true)).rejects.toMatchObject({ error: 'invalid_client' })
    await expect(fetchClientMetadataDocument(`${base}/missing.json`, true)).rejects.toMatchObject({
      message: expect.stringContaining('404'),
    })
    await expect(fetchClientMetadataDocument(`${base}/not-json.json`, true)).rejects.toMatchObject({
      message: expect.stringContaining('not JSON'),
    })
  })

  it('trusts this machine only when the public address is on it', () => {
    expect(servesOnlyThisMachine(loadConfig({ PORT: '3000' }))).toBe(true)
    expect(servesOnlyThisMachine(loadConfig({ PUBLIC_BASE_URL: 'https://crm.sparkle.example' }))).toBe(false)
    expect(servesOnlyThisMachine(loadConfig({ PUBLIC_BASE_URL: 'http://crm.sparkle.example' }))).toBe(false)
  })
})

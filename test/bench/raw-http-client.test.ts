import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawHttpClient } from '../../bench/raw-http-client.js'

describe("the load's HTTP client", () => {
  let server: Server
  let base: string
  const connections = new Set<unknown>()
  const seen: Array<{ method: string; url: string; body: string; headers: Record<string, unknown> }> = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      connections.add(req.socket)
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers })
        if (req.url === '/chunked') {
          res.write('first part, ')
          res.end('second part ✓')
        } else if (req.url === '/close') {
          res.setHeader('connection', 'close')
          res.end('bye')
        } else if (req.url === '/missing') {
          res.statusCode = 404
          res.end(JSON.stringify({ error: { code: 'NOT_FOUND' } }))
        } else {
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify({ echo: body }))
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('sends a JSON body with its headers and reads the answer by its length, keeping the connection', async () => {
    const client = rawHttpClient(base)
    try {
      const body = JSON.stringify({ name: 'Zoë Ångström' })
      const first = await client.send('POST', '/echo', { 'content-type': 'application/json', authorization: 'Bearer t' }, body)
      const second = await client.send('POST', '/echo', { 'content-type': 'application/json' }, body)
      expect(first).toEqual({ status: 200, text: JSON.stringify({ echo: body }) })
      expect(second.text).toBe(first.text)
      expect(seen.at(-2)).toMatchObject({ method: 'POST', url: '/echo', body, headers: { authorization: 'Bearer t' } })
      expect(connections.size).toBe(1)
    } finally {
      client.close()
    }
  })

  it('reads chunked answers, error statuses, and opens a new connection after the server closes one', async () => {
    const client = rawHttpClient(base)
    try {
      expect(await client.send('GET', '/chunked', {})).toEqual({ status: 200, text: 'first part, second part ✓' })
      expect(await client.send('GET', '/missing', {})).toEqual({ status: 404, text: '{"error":{"code":"NOT_FOUND"}}' })
      expect(await client.send('GET', '/close', {})).toEqual({ status: 200, text: 'bye' })
      const before = connections.size
      expect((await client.send('GET', '/chunked', {})).status).toBe(200)
      expect(connections.size).toBe(before + 1)
    } finally {
      client.close()
    }
  })

  it('carries requests at once on as many connections as are asked for', async () => {
    const client = rawHttpClient(base)
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => client.send('POST', '/echo', {}, `n${i}`)))
      expect(answers.map((a) => JSON.parse(a.text).echo)).toEqual(Array.from({ length: 8 }, (_, i) => `n${i}`))
    } finally {
      client.close()
    }
  })

  it('rejects a request the server never answers, once its time is up', async () => {
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const client = rawHttpClient(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, 100)
    try {
      await expect(client.send('GET', '/', {})).rejects.toThrow('no answer within 0.1 s')
    } finally {
      client.close()
      silent.closeAllConnections()
      await new Promise((resolve) => silent.close(resolve))
    }
  })
})

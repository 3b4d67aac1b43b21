import { IncomingMessage, ServerResponse, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpServer } from '../../api/http-server.js'

describe("the server makes each request and response with the app's prototypes", () => {
  let server: Server
  let url: string
  beforeAll(async () => {
    const app = express()
    app.post('/echo', express.json(), (req, res) => {
      res.json({ method: req.method, path: req.path, agent: req.get('x-agent'), body: req.body, secure: req.secure })
    })
    server = createHttpServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it("leaves express nothing to change on arrival, and express's helpers work on them", async () => {
    const real = Object.setPrototypeOf
    const changed: string[] = []
    Object.setPrototypeOf = (o: object, proto: object | null) => {
      if ((o instanceof IncomingMessage || o instanceof ServerResponse) && Object.getPrototypeOf(o) !== proto)
        changed.push(o.constructor.name)
      return real(o, proto)
    }
    let answer: Response
    try {
      answer = await fetch(`${url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-agent': 'bench' },
        body: JSON.stringify({ a: 1 }),
      })
    } finally {
      Object.setPrototypeOf = real
    }
    expect(changed).toEqual([])
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await answer.json()).toEqual({ method: 'POST', path: '/echo', agent: 'bench', body: { a: 1 }, secure: false })
  })
})

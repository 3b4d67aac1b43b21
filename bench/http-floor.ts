import http from 'node:http'
import { serveOnLoopback, type LoopbackServer } from './loopback.js'

/** What the floor answers every request that went through: a small envelope, as the app's. */
const ANSWER = JSON.stringify({ success: true, data: { ok: true }, error: null })

/** A bare HTTP server in this process, and how to stop it. */
export type HttpFloor = LoopbackServer

/**
 * Starts a bare `node:http` server on 127.0.0.1 that answers each POST by running `op` with the body's `i` (which
 * request of the load it is) and `u` (the text that makes its writes unique): what any HTTP server written in Node pays
 * to send a write's statements, with no framework, validation or rule of the product around them.
 */
export async function startHttpFloor(op: (index: number, unique: string) => Promise<void>): Promise<HttpFloor> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let body: { i?: unknown; u?: unknown }
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        body = {}
      }
      const answer = (status: number, text: string) =>
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
      if (typeof body.i !== 'number' || typeof body.u !== 'string') return answer(400, JSON.stringify({ error: 'expected {i, u}' }))
      op(body.i, body.u).then(
        () => answer(200, ANSWER),
        (err: Error) => answer(500, JSON.stringify({ error: err.message })),
      )
    })
  })
  server.keepAliveTimeout = 60_000
  return serveOnLoopback(server)
}

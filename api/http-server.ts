import { randomUUID } from 'node:crypto'
import { createServer, IncomingMessage, maxHeaderSize, ServerResponse, STATUS_CODES, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Express } from 'express'
import { log } from '../core/kernel/log.js'
import { unparsedRequestError } from './client-errors.js'
import { envelopeOf, errorOf } from './envelope.js'
import { SECURITY_HEADERS } from './middleware/security-headers.js'

/**
 * How long an idle kept-alive connection stays open: longer than a proxy in front keeps its own (Caddy's reverse_proxy, as
 * deploy/Caddyfile runs it, keeps idle upstream connections 2 minutes; Node's default here is 5 s). Else the proxy may send
 * a request on a connection this server is closing at that moment, and the request fails (a 502 for a POST).
 */
export const KEEP_ALIVE_MS = 125_000

/**
 * The HTTP server of the app. A request Node's parser refuses (a control character in a header, headers over the
 * limit, a broken request line or body framing) never reaches the app; Node would answer a bare status with no body.
 * Here it is answered in the envelope too, with a request id, and logged like any other request.
 */
export function createHttpServer(app: Express): Server {
  const server = createServer(bornAsTheApps(app), app)
  server.keepAliveTimeout = KEEP_ALIVE_MS
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => answerUnparsedRequest(err, socket))
  return server
}

/**
 * Node's request and response classes, their objects made with the app's own prototypes from the start. Express gives
 * every request and response the app's prototype on arrival (Object.setPrototypeOf); on an object already made that
 * changes its hidden class mid-life, so the code reading it (Node's own included) meets each object in two shapes. Made
 * with that prototype, express's call finds nothing to change: a booking's server CPU fell by some 8% (docs/benchmarks.md).
 */
function bornAsTheApps(app: Express): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse } {
  function AppRequest(this: IncomingMessage, socket: Socket) {
    IncomingMessage.call(this, socket)
  }
  AppRequest.prototype = app.request
  function AppResponse(this: ServerResponse, req: IncomingMessage, options?: object) {
    ;(ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: object) => void).call(this, req, options)
  }
  AppResponse.prototype = app.response
  return {
    IncomingMessage: AppRequest as unknown as typeof IncomingMessage,
    ServerResponse: AppResponse as unknown as typeof ServerResponse,
  }
}

function answerUnparsedRequest(err: Error & { code?: string }, socket: Duplex): void {
  // Node's own rule: write only while no answer to an earlier request on this connection has begun, else the bytes would corrupt it.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  const requestId = randomUUID()
  const refusal = unparsedRequestError(err, maxHeaderSize)
  const body = JSON.stringify(envelopeOf(requestId, null, errorOf(refusal)))
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    Connection: 'close',
  }
  log('info', 'request', { request_id: requestId, status: refusal.status, unparsed: err.code ?? err.message })
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n${body}`,
  )
}

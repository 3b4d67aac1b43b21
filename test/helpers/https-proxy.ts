import { request } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { KeyPair } from './certificates.js'

/** A reverse proxy terminating TLS in front of a server, as Caddy does on the same machine. */
export interface HttpsProxy {
  /** https://localhost:<port> */
  url: string
  port: number
  /** Where requests go: the server's own http address; may be changed while the proxy runs. */
  target: string
  close(): Promise<void>
}

/**
 * Starts an https proxy on a loopback port. Each request goes on to `target` with the headers Caddy's reverse_proxy adds
 * (X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host); a path `refuse` names is answered by the proxy itself with an
 * HTML 404, as a proxy configured for only some paths answers the others.
 */
export async function startHttpsProxy(options: { tls: KeyPair; target: string; refuse?: (path: string) => boolean }): Promise<HttpsProxy> {
  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    if (options.refuse?.(req.url ?? '/')) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>')
      return
    }
    const target = new URL(proxy.target)
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-for': req.socket.remoteAddress ?? '',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': req.headers.host ?? '',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>'))
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const proxy: HttpsProxy = {
    url: `https://localhost:${port}`,
    port,
    target: options.target,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  return proxy
}

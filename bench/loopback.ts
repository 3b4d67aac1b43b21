import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A server listening on 127.0.0.1, its URL, and how to stop it with its open connections. */
export interface LoopbackServer {
  url: string
  close(): Promise<void>
}

/** Makes `server` listen on a free port of 127.0.0.1. */
export async function serveOnLoopback(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

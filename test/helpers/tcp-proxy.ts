import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** A TCP relay in front of a server, whose traffic a test can stall, cut and refuse, as a faulty network or a restart would. */
export interface TcpProxy {
  /** The loopback port clients connect to. */
  port: number
  /** Stops carrying bytes either way, on open and new connections alike; they wait, as on a network that stopped. */
  pause(): void
  /** Carries the held bytes on, and everything after. */
  resume(): void
  /** Cuts every open connection and refuses new ones (connection refused), as a server that went down. */
  refuse(): Promise<void>
  /** Accepts connections again on the same port. */
  accept(): Promise<void>
  /** Connections open now. */
  readonly open: number
  close(): Promise<void>
}

/** Starts a relay on a loopback port to target host:port. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let paused = false
  const pairs = new Set<{ client: Socket; upstream: Socket; held: Array<() => void> }>()
  const relay = (client: Socket) => {
    const upstream = connect(target.port, target.host)
    const pair = { client, upstream, held: [] as Array<() => void> }
    pairs.add(pair)
    const carry = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        const send = () => {
          if (!to.destroyed) to.write(chunk)
        }
        if (paused) pair.held.push(send)
        else send()
      })
    carry(client, upstream)
    carry(upstream, client)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    for (const s of [client, upstream]) {
      s.on('error', end)
      s.on('close', end)
    }
  }
  let server: Server = createServer(relay)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const cutAll = () => {
    for (const p of pairs) {
      p.client.destroy()
      p.upstream.destroy()
    }
    pairs.clear()
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      cutAll()
      server.close(() => resolve())
    })
  return {
    port,
    pause() {
      paused = true
    },
    resume() {
      paused = false
      for (const p of pairs) for (const send of p.held.splice(0)) send()
    },
    refuse: stop,
    async accept() {
      server = createServer(relay)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', resolve)
      })
    },
    get open() {
      return pairs.size
    },
    close: stop,
  }
}

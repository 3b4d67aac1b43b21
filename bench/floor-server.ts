// The limits the product is measured against, as a server process of its own: `empty` answers every request with a
// fixed envelope (the HTTP floor); `select1` answers each with `select 1` on the configured database (the engine's
// floor, through the same openDatabase as the product, so its memory is the engine's with our options).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../core/kernel/config.js'
import { openDatabase } from '../core/db/open.js'
import type { Database } from '../core/db/types.js'

const ANSWER = JSON.stringify({ success: true, data: { ok: 1 }, error: null })

/** Serves until SIGTERM. */
async function main(): Promise<void> {
  const mode = process.argv[2]
  if (mode !== 'empty' && mode !== 'select1') throw new Error('usage: floor-server.js empty|select1')
  const config = loadConfig()
  const db: Database | null = mode === 'select1' ? await openDatabase(config) : null
  const server = http.createServer((req, res) => {
    req.resume()
    const answer = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(body)
    if (!db) return answer(200, ANSWER)
    db.query('select 1 as ok').then(
      () => answer(200, ANSWER),
      (err: Error) => answer(500, JSON.stringify({ error: err.message })),
    )
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.stdout.write(`floor server listening at http://127.0.0.1:${(server.address() as AddressInfo).port}\n`)
  process.on('SIGTERM', () => {
    server.close()
    server.closeAllConnections()
    void (db?.close() ?? Promise.resolve()).then(() => process.exit(0))
  })
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})

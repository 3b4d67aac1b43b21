import http from 'node:http'

/** A keep-alive JSON poster for one server. */
export type JsonPoster = ReturnType<typeof jsonPoster>

/** A keep-alive JSON poster for one server, with at most `sockets` connections open. */
export function jsonPoster(baseUrl: string, sockets: number, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets })
  const base = new URL(baseUrl)
  return {
    /** POSTs body as JSON; resolves with the status and the parsed answer, rejects on a network failure or timeout. */
    post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
      const payload = Buffer.from(JSON.stringify(body))
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            path,
            method: 'POST',
            timeout: 30_000,
            headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8')
              let json: unknown = null
              try {
                json = JSON.parse(text)
              } catch {
                /* a non-JSON answer is reported by its status */
              }
              resolve({ status: res.statusCode ?? 0, json })
            })
            res.on('error', reject)
          },
        )
        req.on('timeout', () => req.destroy(new Error('no answer within 30 s')))
        req.on('error', reject)
        req.end(payload)
      })
    },
    close: () => agent.destroy(),
  }
}

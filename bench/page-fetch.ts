import http from 'node:http'
import { brotliDecompressSync } from 'node:zlib'

/** One page as a phone gets it: status, bytes on the wire (brotli when the server compressed), and the markup. */
export interface FetchedPage {
  status: number
  wireBytes: number
  encoding: string
  html: string
  location: string | null
}

/** A keep-alive page reader for one server, sending a session cookie (or none) and Accept-Encoding: br. */
export function pageReader(baseUrl: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const base = new URL(baseUrl)
  return {
    /** GETs the path; rejects on a network failure or when no answer comes within 30 s. */
    get(path: string, cookie?: string): Promise<FetchedPage> {
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            path,
            method: 'GET',
            timeout: 30_000,
            headers: { 'accept-encoding': 'br', ...(cookie ? { cookie: `crm_session=${cookie}` } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              const body = Buffer.concat(chunks)
              const encoding = String(res.headers['content-encoding'] ?? 'identity')
              resolve({
                status: res.statusCode ?? 0,
                wireBytes: body.length,
                encoding,
                html: (encoding === 'br' ? brotliDecompressSync(body) : body).toString('utf8'),
                location: res.headers.location ?? null,
              })
            })
            res.on('error', reject)
          },
        )
        req.on('timeout', () => req.destroy(new Error(`no answer within 30 s for ${path}`)))
        req.on('error', reject)
        req.end()
      })
    },
    close: () => agent.destroy(),
  }
}

/** The same-site links (paths) of a piece of markup, in order, each once; assets, anchors and other sites left out. */
export function sitePaths(markup: string): string[] {
  const paths = [...markup.matchAll(/<a\s[^>]*href="(\/[^"#]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))
  return [...new Set(paths)]
}

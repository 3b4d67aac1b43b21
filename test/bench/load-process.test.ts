import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { runLoadProcess as RunLoadProcess } from '../../bench/load-process.js'
import { root } from '../helpers/build.js'

describe("the bench's load process", () => {
  let server: Server
  let url: string
  let served = 0
  let runLoadProcess: typeof RunLoadProcess
  beforeAll(async () => {
    // The worker runs as a process of its own, from the bench the suite's setup compiled.
    ;({ runLoadProcess } = await import(pathToFileURL(join(root, 'dist/bench/load-process.js')).href))
    server = createServer((req, res) => {
      served += 1
      req.resume()
      req.on('end', () => res.end('{"success":true}'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('warms its client first and counts, and reads the watched process CPU for, the measured part only', async () => {
    const before = process.cpuUsage()
    const r = await runLoadProcess({
      baseUrl: url,
      requests: [{ method: 'POST', path: '/', body: { a: 1 } }],
      concurrency: 4,
      seconds: 0.5,
      warmupSeconds: 0.5,
      watchPids: [process.pid],
    })
    const spent = process.cpuUsage(before)
    expect(r.errors).toBe(0)
    expect(r.ok).toBeGreaterThan(0)
    // The warm-up's requests reached the server but are not in the count.
    expect(served).toBeGreaterThan(r.ok)
    expect(r.watchedCpuMs).toBeGreaterThan(0)
    // This process served the warm-up too: the watched part is less than all it spent.
    expect(r.watchedCpuMs).toBeLessThan((spent.user + spent.system) / 1000)
  })
})

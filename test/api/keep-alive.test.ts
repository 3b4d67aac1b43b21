import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import express from 'express'
import { describe, expect, it } from 'vitest'
import { createHttpServer, KEEP_ALIVE_MS } from '../../api/http-server.js'
import { root } from '../helpers/build.js'

/** How long Caddy's reverse_proxy keeps an idle connection to the app when its Caddyfile sets no keepalive. */
const CADDY_DEFAULT_KEEPALIVE_MS = 120_000

describe('the server keeps an idle connection open longer than the proxy in front of it', () => {
  it("outlasts Caddy's idle upstream connections, so the proxy never sends a request on a connection being closed", () => {
    const server = createHttpServer(express())
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_MS)
    // deploy/Caddyfile leaves Caddy's keepalive at its default; a keepalive set there must stay below the server's.
    expect(readFileSync(join(root, 'deploy/Caddyfile'), 'utf8')).not.toMatch(/^\s*keepalive\b/m)
    expect(KEEP_ALIVE_MS).toBeGreaterThan(CADDY_DEFAULT_KEEPALIVE_MS)
  })
})

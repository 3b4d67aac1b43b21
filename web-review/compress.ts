import { gzipSync } from 'node:zlib'
import type { Request, Response } from 'express'

/**
 * Sends an HTML page, gzip-compressed when the client accepts it. Pages carry per-session tokens, so they are never
 * cached by anyone along the way.
 */
export function sendHtml(req: Request, res: Response, html: string, status = 200): void {
  res.status(status)
  res.set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', vary: 'Accept-Encoding' })
  if (/\bgzip\b/i.test(req.get('accept-encoding') ?? '')) {
    res.set('content-encoding', 'gzip').send(gzipSync(html, { level: 9 }))
    return
  }
  res.send(html)
}

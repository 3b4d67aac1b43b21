import type { Response } from 'express'
import type { SafeHtml } from './html.js'
import { layout } from './layout.js'
import { sendPage } from './send-page.js'

/** Sends a page reached through a secret link in an email: its address holds the secret, so it is kept out of caches, referrers and search engines. */
export function sendLinkPage(
  res: Response,
  status: number,
  title: string,
  body: SafeHtml,
  line: { ok?: string; error?: string } = {},
): void {
  sendPage(res, layout({ title, body, ...line }), { status, secretUrl: true })
}

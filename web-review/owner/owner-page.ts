import type { Response } from 'express'
import type { HtmlContent } from '../html.js'
import { layout, type Page } from '../layout.js'
import { sendPage } from '../send-page.js'

/** Sends one of the owner's pages: the owner's nav, the title, the status line and the content. */
export function sendOwnerPage(res: Response, title: string, body: HtmlContent, opts: Omit<Page, 'title' | 'body' | 'viewer'> & { status?: number } = {}): void {
  const { status, ...page } = opts
  sendPage(res, layout({ title, body, viewer: 'owner', ...page }), { status })
}

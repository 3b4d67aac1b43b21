import type { Response } from 'express'
import { trustedHtml, type HtmlContent } from '../html.js'
import { layout, type Page } from '../layout.js'
import { sendPage } from '../send-page.js'
import { SEARCH_SCRIPT } from './search-script.js'

/**
 * Sends one of the owner's pages: the owner's nav, the title, the status line and the content; the search's keys unless
 * it has a script of its own. formTargets: other sites a form of the page leads to (a connect's consent page).
 */
export function sendOwnerPage(
  res: Response,
  title: string,
  body: HtmlContent,
  opts: Omit<Page, 'title' | 'body' | 'viewer'> & { status?: number; formTargets?: readonly string[] } = {},
): void {
  const { status, formTargets, ...page } = opts
  sendPage(res, layout({ title, body, viewer: 'owner', script: trustedHtml(SEARCH_SCRIPT), ...page }), { status, formTargets })
}

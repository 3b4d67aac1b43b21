import type { z } from 'zod'
import { randomBytes } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import { stateOf } from '../../core/http/request-state.js'
import type { SessionPrincipal } from '../../core/auth/sessions.js'
import type { Services } from '../../core/context.js'
import { translateDatabaseError } from '../../core/db/translate-error.js'
import { AppError } from '../../core/errors.js'
import type { Caller } from '../../core/call-action.js'
import { callQuery } from '../../core/call-query.js'
import { businessQuery } from '../../core/domains/settings/queries.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { form, html, type HtmlContent, type SafeHtml } from '../html.js'
import { layout, viewerOf, type Page } from '../layout.js'
import { sendPage } from '../send-page.js'
import { personWithRole } from '../session.js'

/** What every technician page handler works with. */
export interface PageCall {
  services: Services
  session: SessionPrincipal
  requestId: string
  req: Request
  res: Response
}

/** A page handler for owners and technicians; a typed error becomes a page with the message and the right status. */
export function pageRoute(services: Services, handler: (call: PageCall) => Promise<void>): RequestHandler {
  return async (req, res) => {
    const session = personWithRole(res, ['owner', 'technician'])
    if (!session) return
    try {
      await handler({ services, session, requestId: stateOf(res).requestId, req, res })
    } catch (err) {
      const e = translateDatabaseError(err)
      if (!(e instanceof AppError)) throw err
      sendPage(
        res,
        layout({
          title: e.status === 403 ? 'Not allowed' : e.status === 404 ? 'Not found' : 'Something is wrong',
          viewer: viewerOf(session),
          body: html`<p><a class="btn" href="/today">Back to Today</a></p>`,
          error: e.message,
        }),
        { status: e.status },
      )
    }
  }
}

/** A fresh one-time token for one rendered form: a repeated submit of the same form replays instead of running twice. */
export function onceToken(): string {
  return randomBytes(16).toString('base64url')
}

/** Sends a page of the day's work, with the nav of whoever is signed in (an owner sees the owner's). */
export function sendWorkPage(call: PageCall, page: Omit<Page, 'viewer'>, status?: number): void {
  sendPage(call.res, layout({ ...page, viewer: viewerOf(call.session) }), { status })
}

/** A POST form carrying the session's CSRF token and a one-time token. */
export function postForm(action: string, session: SessionPrincipal, inner: HtmlContent, attrs?: SafeHtml): SafeHtml {
  return form(action, session.csrfToken, html`<input type="hidden" name="_once" value="${onceToken()}">${inner}`, attrs)
}

/** The one-time token a form was submitted with, used as the action's idempotency key; a form without one gets none. */
export function onceOf(req: Request): string | undefined {
  const v = req.body?._once
  return typeof v === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(v) ? `page:${v}` : undefined
}

/** The signed-in person as the caller of typed operations. */
export function callerOf(call: PageCall): Caller {
  return { services: call.services, principal: call.session, requestId: call.requestId }
}

/** The business's time zone and currency. */
export async function businessOf(call: PageCall): Promise<{ timezone: string; currency: string; name: string }> {
  return await callQuery(callerOf(call), businessQuery, { id: call.session.tenantId })
}

/** A ticket as read by id, with the expansions asked for. */
export type TicketView = z.output<typeof ticketsQuery.record>

/** A ticket with the given expansions; core lets a technician open only tickets they are assigned to. */
export async function ticketFor(call: PageCall, id: string, include: string[] = []): Promise<TicketView> {
  return await callQuery(callerOf(call), ticketsQuery, { id, include: [...new Set([...include, 'technicians'])] })
}

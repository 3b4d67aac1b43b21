import type { z } from 'zod'
import { randomBytes } from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import type { SessionPrincipal } from '../../core/auth/sessions.js'
import type { Services } from '../../core/kernel/context.js'
import type { Caller } from '../../core/kernel/call-action.js'
import { callQuery } from '../../core/kernel/call-query.js'
import { businessQuery } from '../../core/domains/settings/queries.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { form, html, type HtmlContent, type SafeHtml } from '../html.js'
import { layout, viewerOf, type Page } from '../layout.js'
import { sendPage } from '../send-page.js'
import { pageRoute as sharedPageRoute, type Audience, type PageCall } from '../page-route.js'

/** What every technician page handler works with (the shared page call). */
export type { PageCall }

/** Owners and technicians; a refusal is shown on a page with the way back to Today. */
const WORKERS: Audience = {
  roles: ['owner', 'technician'],
  errorPage(call, title, err) {
    sendWorkPage(call, { title, body: html`<p><a class="btn" href="/today">Back to Today</a></p>`, error: err.message }, err.status)
  },
}

/** A page handler for owners and technicians; a typed error becomes a page with the message and the right status. */
export function pageRoute(services: Services, handler: (call: PageCall) => Promise<void>): RequestHandler {
  return sharedPageRoute(services, WORKERS, handler)
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

import { Router, type Request, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import type { Services } from '../../../core/kernel/context.js'
import { MESSAGE_STATUSES } from '../../../core/domains/messages/model.js'
import { MESSAGE_KINDS } from '../../../core/domains/messages/kinds.js'
import { AppError } from '../../../core/kernel/errors.js'
import type { z } from 'zod'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { cancelMessage, rescheduleMessage } from '../../../core/domains/messages/actions.js'
import { scheduledMessagesQuery } from '../../../core/domains/messages/queries.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { localDate, localTime, zonedInstant } from '../../../core/vocabulary/time.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { nextPageLink } from '../../list-tabs.js'
import { ownerRoute } from '../owner-route.js'
import { field } from '../../form-kit.js'

/** One scheduled email as the list reads it, with its contact and rendered text. */
type Message = z.output<typeof scheduledMessagesQuery.record>

/** Messages shown per page. */
const PAGE_SIZE = 25
/** What the list may say after a change: ?done= carries one of these keys, never text of its own. */
const DONE: Record<string, string> = {
  cancelled: 'The email was cancelled.',
  moved: 'The email was moved to its new time.',
}
/** The list's filters, as the query string carries them. */
const FILTERS = ['from', 'to', 'customer', 'kind', 'status'] as const

/** The owner's page of scheduled emails: filter by send date, customer, kind and status; cancel or move a pending one. */
export function messagesPage(services: Services): Router {
  const router = Router()

  router.get(
    '/messages',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const requestId = stateOf(res).requestId
      const tz = await timeZoneOf(services, session, requestId)
      const given = Object.fromEntries(FILTERS.map((f) => [f, typeof req.query[f] === 'string' ? String(req.query[f]).trim() : '']))
      // A first visit shows what is still to come; once the form is used, it says what to show.
      if (!FILTERS.some((f) => f in req.query)) given.from = localDate(services.now(), tz)
      const filters = Object.fromEntries(Object.entries(given).filter(([, v]) => v))
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined
      onError((err) => {
        return send(res, err.status, filterForm(given), { error: err.message })
      })
      // The query string's words as typed: the data type's own filters check them and name a wrong one.
      const params = filters as z.input<typeof scheduledMessagesQuery.params>
      const list: { items: Message[]; next_cursor: string | null } = await callQuery(
        { services, principal: session, requestId },
        scheduledMessagesQuery,
        {
          params,
          include: ['contact', 'rendered'],
          limit: PAGE_SIZE,
          cursor,
        },
      )
      const done = typeof req.query.done === 'string' && Object.hasOwn(DONE, req.query.done) ? DONE[req.query.done] : ''
      const rows = list.items.map((m) => messageRow(m, tz, session.csrfToken, req.originalUrl))
      const more = nextPageLink('/messages', given, list.next_cursor, `Next ${PAGE_SIZE}`)
      send(
        res,
        200,
        html`${filterForm(given)}<p class="note">Times are in ${tz}.</p>${
          rows.length
            ? html`<table class="stack"><tr><th>Send at</th><th>Customer</th><th>Email</th><th>Status</th><th></th></tr>${rows}</table>${more}`
            : html`<p class="note">No scheduled emails match.</p>`
        }`,
        { ok: done },
      )
    }),
  )

  router.post(
    '/messages/:id/cancel',
    ownerRoute(services, async ({ req, res, session }) => {
      await act(req, res, () => callAction(ownerCaller(services, session, res), cancelMessage, { message_id: req.params.id }), 'cancelled')
    }),
  )

  router.post(
    '/messages/:id/reschedule',
    ownerRoute(services, async ({ req, res, session }) => {
      const tz = await timeZoneOf(services, session, stateOf(res).requestId)
      const local = field(req.body, 'send_at')
      const m = local.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/)
      // The browser sends wall-clock time in the business's zone; anything else goes on as typed, for the action to refuse.
      const sendAt = m ? zonedInstant(m[1], m[2], tz).toISOString() : local
      await act(
        req,
        res,
        () => callAction(ownerCaller(services, session, res), rescheduleMessage, { message_id: req.params.id, send_at: sendAt }),
        'moved',
      )
    }),
  )

  return router
}

/** The signed-in owner as the caller of typed operations. */
function ownerCaller(services: Services, session: SessionPrincipal, res: Response): Caller {
  return { services, principal: session, requestId: stateOf(res).requestId }
}

/** Runs message.cancel or message.reschedule as the owner, then returns to the list (or shows why not). */
async function act(req: Request, res: Response, run: () => Promise<unknown>, done: keyof typeof DONE): Promise<void> {
  const back = safeBack(req.body?.back)
  try {
    await run()
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return send(res, err.status, html`<p><a href="${back}">Back to the messages</a></p>`, { error: err.message })
  }
  res.redirect(303, `${back}${back.includes('?') ? '&' : '?'}done=${done}`)
}

/** Only a path of this page may be returned to. */
function safeBack(value: unknown): string {
  const back = typeof value === 'string' ? value.replace(/[?&]done=[^&]*/g, '') : ''
  return /^\/messages(\?|$)/.test(back) ? back : '/messages'
}

async function timeZoneOf(services: Services, session: SessionPrincipal, requestId: string): Promise<string> {
  return (await callQuery({ services, principal: session, requestId }, settingsQuery)).items[0].timezone
}

function filterForm(given: Record<string, string>): SafeHtml {
  const select = (name: string, options: readonly string[]) =>
    html`<select name="${name}" aria-label="${name}"><option value="">any ${name}</option>${options.map(
      (o) => html`<option value="${o}"${given[name] === o ? html` selected` : ''}>${o.replace('_', ' ')}</option>`,
    )}</select>`
  return html`<form method="get" action="/messages" class="card"><div class="row"><label>From<input type="date" name="from" value="${given.from}"></label>
<label>To<input type="date" name="to" value="${given.to}"></label></div>
<label>Customer<input name="customer" value="${given.customer}" placeholder="name or email"></label>
<div class="row">${select('kind', MESSAGE_KINDS)} ${select('status', MESSAGE_STATUSES)}</div><button>Show</button></form>`
}

function messageRow(m: Message, tz: string, csrf: string, back: string): SafeHtml {
  const at = new Date(m.send_at)
  const when = `${localDate(at, tz)} ${localTime(at, tz)}`
  const contact = m.contact
    ? html`${m.contact.display_name}<br><span class="note">${m.contact.email ?? 'no email'}</span>${
        m.contact.email_status && m.contact.email_status !== 'ok' ? html` <span class="err">${m.contact.email_status}</span>` : ''
      }`
    : ''
  const status = html`${m.status}${m.last_error ? html`<br><span class="err">${m.last_error}</span>` : ''}`
  const hidden = html`<input type="hidden" name="back" value="${back}">`
  const controls =
    m.status === 'pending'
      ? html`${form(`/messages/${m.id}/reschedule`, csrf, html`${hidden}<input type="datetime-local" name="send_at" aria-label="New send time" value="${localDate(at, tz)}T${localTime(at, tz)}" required> <button class="alt">Move</button>`)}
${form(`/messages/${m.id}/cancel`, csrf, html`${hidden}<button class="deny">Cancel</button>`)}`
      : ''
  return html`<tr><td>${when}</td><td>${contact}</td><td><strong>${m.kind.replace('_', ' ')}</strong>${m.channel === 'text' ? html` by text: ${m.rendered?.body ?? ''}` : html` ${m.rendered?.subject ?? ''}`}</td><td>${status}</td><td>${controls}</td></tr>`
}

function send(res: Response, status: number, body: SafeHtml, line: { ok?: string; error?: string } = {}): void {
  sendOwnerPage(res, 'Scheduled emails', body, { status, wide: true, ...line })
}

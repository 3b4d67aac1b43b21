import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { logInteraction, updateInteraction } from '../../../core/domains/interactions/actions.js'
import { timelineQuery } from '../../../core/domains/interactions/timeline.js'
import { AppError } from '../../../core/kernel/errors.js'
import { html } from '../../html.js'
import { shortMoment } from '../contacts/customer-words.js'
import { sendOwnerPage } from '../owner-page.js'
import { MISSING_CUSTOMER, readOrNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { businessFormat, field, fieldErrorsOf, problemsSentence } from '../../form-kit.js'

/** Where "Follow-up done" may return to: a customer's, a lead's or an opportunity's page, or Home. */
const BACK = /^\/(customers|leads|opportunities)\/[0-9a-f-]{36}(#[a-z]+)?$|^\/$/

/** Logging calls, emails and meetings on customers, leads and opportunities, marking follow-ups done, and a customer's whole timeline. */
export function interactionsPages(services: Services): Router {
  const router = Router()

  for (const [path, subject] of [
    ['customers', 'contact_id'],
    ['leads', 'lead_id'],
    ['opportunities', 'opportunity_id'],
  ] as const) {
    router.post(
      `/${path}/:id/interactions`,
      ownerRoute(services, async ({ req, res, session }) => {
        const back = `/${path}/${encodeURIComponent(req.params.id)}`
        try {
          await callAction(callerOf(services, session, res), logInteraction, { [subject]: req.params.id, ...inputOf(req.body) } as never)
        } catch (err) {
          return refused(res, err, back)
        }
        res.redirect(303, `${back}?done=logged#calls`)
      }),
    )
  }

  router.post(
    '/interactions/:id/done',
    ownerRoute(services, async ({ req, res, session }) => {
      const asked = field(req.body, 'back')
      const back = BACK.test(asked) ? asked : '/'
      try {
        await callAction(callerOf(services, session, res), updateInteraction, { interaction_id: req.params.id, follow_up_done: true })
      } catch (err) {
        return refused(res, err, back)
      }
      res.redirect(303, back === '/' ? '/' : `${back.replace(/#.*$/, '')}?done=followed_up#calls`)
    }),
  )

  router.get(
    '/customers/:id/timeline',
    ownerRoute(services, async ({ req, res, session }) => {
      await timelinePage(services, session, res, req.params.id, typeof req.query.cursor === 'string' ? req.query.cursor : undefined)
    }),
  )

  return router
}

/** The log form's fields as interaction.log takes them; empty optional fields are left out so the action's defaults apply. */
function inputOf(body: unknown): Record<string, unknown> {
  const minutes = field(body, 'duration_minutes')
  const input: Record<string, unknown> = { kind: field(body, 'kind'), summary: field(body, 'summary') }
  for (const name of ['direction', 'subject', 'outcome', 'follow_up_on']) if (field(body, name)) input[name] = field(body, name)
  if (minutes) input.duration_minutes = /^\d+$/.test(minutes) ? Number(minutes) : minutes
  return input
}

/** A refusal as a page: what was wrong, field by field, and the way back; nothing was written. */
function refused(res: Response, err: unknown, back: string): void {
  if (!(err instanceof AppError)) throw err
  const lines = problemsSentence(fieldErrorsOf(err))
  sendOwnerPage(res, 'Not logged', html`<p><a href="${back}">Back</a></p>`, { status: err.status, error: `Nothing was changed. ${lines}` })
}

/** Everything that happened with one customer, newest first, 30 lines a page. */
async function timelinePage(services: Services, session: SessionPrincipal, res: Response, id: string, cursor?: string) {
  const caller = callerOf(services, session, res)
  const contact = await readOrNotFound(res, MISSING_CUSTOMER, () => callQuery(caller, contactsQuery, { id }))
  if (!contact) return
  const { timezone } = await businessFormat(caller)
  let page
  try {
    page = await callQuery(caller, timelineQuery, { params: { contact_id: contact.id }, limit: 30, cursor })
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return sendOwnerPage(res, 'Timeline', html`<p><a href="${`/customers/${contact.id}/timeline`}">Start again</a></p>`, {
      status: err.status,
      error: err.message,
    })
  }
  const base = `/customers/${contact.id}`
  const link = (kind: string, id: string) =>
    kind === 'visit'
      ? `/tickets/${id}`
      : kind === 'invoice'
        ? `/invoices/${id}`
        : kind === 'opportunity'
          ? `/opportunities/${id}`
          : kind === 'quote'
            ? `/quotes/${id}`
            : kind === 'order'
              ? `/orders/${id}`
              : kind === 'document'
                ? `/documents/${id}/file`
                : null
  const body = html`<p><a href="${base}">Back to ${contact.display_name}</a></p>
${
  page.items.length
    ? html`<ul class="history">${page.items.map((i) => {
        const href = link(i.kind, i.id)
        return html`<li><span class="muted">${shortMoment(i.at, timezone)}</span> — ${href ? html`<a href="${href}">${i.title}</a>` : i.title}${
          i.detail ? html`<br><span class="pre">${i.detail}</span>` : ''
        }</li>`
      })}</ul>`
    : html`<p class="muted">Nothing has happened with this customer yet.</p>`
}
${
  page.next_cursor || cursor
    ? html`<p class="row pager">${cursor ? html`<a href="${`${base}/timeline`}">Newest</a>` : ''}${
        page.next_cursor ? html`<a href="${`${base}/timeline?cursor=${encodeURIComponent(page.next_cursor)}`}">Older</a>` : ''
      }</p>`
    : ''
}`
  sendOwnerPage(res, `Timeline: ${contact.display_name}`, body)
}

import { Router } from 'express'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { mergeContacts } from '../../../core/domains/contacts/merge-actions.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { describedBy, field, type FieldErrors, fieldError, fieldErrorsOf, pageProblem, selectField } from '../../form-kit.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'

/** Customers the search offers at most. */
const MATCHES = 20

/** The choices the form shows again after a refusal. */
interface MergeChoice {
  q: string
  survivor_id: string
  merged_id: string
  prefer: string
}

/** Merging two records of one customer: find them by words, choose the one to keep and the duplicate, then Merge (contact.merge). */
export function customerMergePages(services: Services): Router {
  const router = Router()

  router.get(
    '/customers/merge',
    ownerRoute(services, async ({ req, res, session, caller }) => {
      const q = typeof req.query.q === 'string' ? req.query.q.trim() : ''
      await show(caller, res, session.csrfToken, { q, survivor_id: '', merged_id: '', prefer: 'survivor' }, new Map())
    }),
  )

  router.post(
    '/customers/merge',
    ownerRoute(services, async ({ req, res, session, caller, onError }) => {
      const choice: MergeChoice = {
        q: field(req.body, 'q'),
        survivor_id: field(req.body, 'survivor_id'),
        merged_id: field(req.body, 'merged_id'),
        prefer: field(req.body, 'prefer') || 'survivor',
      }
      onError((err) => show(caller, res, session.csrfToken, choice, fieldErrorsOf(err), err.status))
      const merged = await callAction(caller, mergeContacts, {
        survivor_id: choice.survivor_id,
        merged_id: choice.merged_id,
        prefer: choice.prefer as 'survivor',
      })
      if (merged.queued) return res.redirect(303, '/review')
      const { survivor, merged: gone } = merged.result
      sendOwnerPage(
        res,
        'Customers merged',
        html`<p>${gone.display_name} is now part of <a href="/customers/${survivor.id}">${survivor.display_name}</a>: their visits,
invoices, notes and the rest moved to ${survivor.display_name}.</p><p><a href="/customers/merge">Merge two more</a></p>`,
        { ok: `Merged ${gone.display_name} into ${survivor.display_name}.` },
      )
    }),
  )
  return router
}

/** The page: the search, then the matches twice (the one to keep, the duplicate) and whose details win. */
async function show(
  caller: Caller,
  res: Parameters<typeof sendOwnerPage>[0],
  csrf: string,
  c: MergeChoice,
  errors: FieldErrors,
  status = 200,
) {
  const matches = c.q ? (await callQuery(caller, contactsQuery, { params: { q: c.q }, limit: MATCHES })).items : []
  const search = html`<form method="get" action="/customers/merge" role="search" aria-label="Find the customers"><label>Find both records<input type="search" name="q" value="${c.q}" autocomplete="off" placeholder="name, email or phone"></label><button class="second">Search</button></form>`
  const body = matches.length
    ? form(
        '/customers/merge',
        csrf,
        html`<input type="hidden" name="q" value="${c.q}">${choices('survivor_id', 'Keep this one', matches, c.survivor_id, errors)}
${choices('merged_id', 'Merge this duplicate into it', matches, c.merged_id, errors)}
${selectField(
  'prefer',
  'Where both have a value, keep',
  c.prefer,
  [
    ['survivor', 'the one kept'],
    ['merged', 'the duplicate'],
  ],
  errors,
)}<p class="note">Everything of the duplicate moves to the one kept. This cannot be undone.</p><button class="deny">Merge</button>`,
      )
    : html`<p class="note">${c.q ? 'No customer matches; try part of the name, the email or 4 digits of the phone.' : 'Search for the customer, then choose the record to keep and its duplicate.'}</p>`
  sendOwnerPage(res, 'Merge two customers', html`${search}${body}<p><a href="/customers">All customers</a></p>`, {
    status,
    error:
      status >= 400
        ? `Nothing was merged. ${pageProblem(errors, ['survivor_id', 'merged_id', 'prefer']).replace(/^Nothing was saved\. /, '')}`
        : undefined,
  })
}

/** One radio button per match, under a legend; its problem under the group. */
function choices(
  name: string,
  legend: string,
  matches: Array<{ id: string; display_name: string; email: string | null }>,
  chosen: string,
  errors: FieldErrors,
): SafeHtml {
  return html`<fieldset${describedBy(errors, name)}><legend>${legend}</legend>${matches.map(
    (m) =>
      html`<label class="c"><input type="radio" name="${name}" value="${m.id}"${m.id === chosen ? html` checked` : ''}>${m.display_name}${
        m.email ? html` <span class="muted">${m.email}</span>` : ''
      }</label>`,
  )}${fieldError(errors, name)}</fieldset>`
}

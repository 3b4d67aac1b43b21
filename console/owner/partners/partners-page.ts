import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { PARTNER_ROLES, setPartner } from '../../../core/domains/partners/actions.js'
import { type Partner, partnersQuery } from '../../../core/domains/partners/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { businessFormat, type BusinessFormat, checkField, doneLine, field, money } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import { customerChoice, customerSearch, pickCustomer } from '../contacts/customer-picker.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** Each role as the owner reads it. */
const ROLE_WORDS: Record<(typeof PARTNER_ROLES)[number], string> = {
  referrer: 'Sends us customers',
  contractor: 'Gives us jobs to do',
  subcontractor: 'Does jobs for us',
}

/** What the page may say after a change. */
const DONE: Record<string, string> = { saved: 'Saved.' }

/** Partners: the organizations that send the business work or do work for it, each with the referrals it brought. */
export function partnersPages(services: Services): Router {
  const router = Router()

  router.get(
    '/partners',
    ownerRoute(services, async ({ req, res, session }) => {
      const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : ''
      const contactId = typeof req.query.contact_id === 'string' ? req.query.contact_id : ''
      await sendPartners(res, session, callerOf(services, session, res), { q, contactId, ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/partners',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const roles = PARTNER_ROLES.filter((r) => field(req.body, r) === 'on')
      const note = field(req.body, 'note')
      try {
        await callAction(caller, setPartner, { contact_id: field(req.body, 'contact_id'), roles, note: note || null })
        res.redirect(303, '/partners?done=saved')
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        await sendPartners(res, session, caller, { q: '', contactId: '', error: `Nothing was saved. ${err.message}`, status: err.status })
      }
    }),
  )

  return router
}

async function sendPartners(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  opts: { q: string; contactId: string; ok?: string; error?: string; status?: number },
) {
  const partners = (await callQuery(caller, partnersQuery, { limit: 100 })).items
  const format = await businessFormat(caller)
  const pick = await pickCustomer(caller, opts.contactId, opts.q)
  const csrf = session.csrfToken
  const add =
    pick.chosen || pick.matches.length
      ? form(
          '/partners',
          csrf,
          html`${customerChoice(pick, '/partners')}${roleBoxes([])}<label>Note<textarea name="note" rows="2" maxlength="2000"></textarea></label><button>Save</button>`,
        )
      : html``
  sendOwnerPage(
    res,
    'Partners',
    html`<p class="muted">The companies that send you customers or jobs, or do jobs for you, and the customers they brought (people they referred, or whose referrer works there).</p>${
      partners.length ? partners.map((p) => card(p, format, csrf)) : html`<p class="note">No partners yet.</p>`
    }<h2>Add a partner</h2>${pick.chosen ? '' : customerSearch('/partners', pick)}${add}`,
    opts,
  )
}

/** The role checkboxes, the given ones checked. */
function roleBoxes(checked: readonly string[]): SafeHtml {
  return html`<fieldset><legend>What they are to you</legend>${PARTNER_ROLES.map((r) => checkField(r, ROLE_WORDS[r], checked.includes(r)))}</fieldset>`
}

/** One partner: what it is to the business, its people, and the referrals it brought; its roles changed in place. */
function card(p: Partner, format: BusinessFormat, csrf: string): SafeHtml {
  const recent = p.recent_referrals.map((r) => html`<a href="/customers/${r.contact_id}">${r.display_name}</a>`)
  return html`<div class="card"><a href="/customers/${p.id}"><b>${p.display_name}</b></a><div class="muted">${p.roles
    .map((r) => ROLE_WORDS[r])
    .join(' · ')}${p.since ? ` · since ${p.since}` : ''} · ${String(p.people)} ${p.people === 1 ? 'person' : 'people'}</div>
<p>${String(p.referrals)} referral${p.referrals === 1 ? '' : 's'}${p.referrals ? `, who paid ${money(p.referred_paid_cents, format)}` : ''}${
    recent.length ? html`: ${recent.map((a, i) => html`${i ? ', ' : ''}${a}`)}` : ''
  }</p>${p.note ? html`<p class="note">${p.note}</p>` : ''}<details><summary>Change</summary>${form(
    '/partners',
    csrf,
    html`<input type="hidden" name="contact_id" value="${p.id}">${roleBoxes(p.roles)}<label>Note<textarea name="note" rows="2" maxlength="2000">${
      p.note ?? ''
    }</textarea></label><button class="second" aria-label="Save ${p.display_name}">Save</button><p class="muted">No box checked: no longer a partner.</p>`,
  )}</details></div>`
}

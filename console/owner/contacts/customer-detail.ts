import type { z } from 'zod'
import { formatMoney } from '../../../core/vocabulary/money.js'
import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { auditTrailQuery } from '../../../core/domains/audit/queries.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { externalIdLabel } from '../../../core/domains/contacts/external-ids.js'
import { documentsQuery } from '../../../core/domains/documents/queries.js'
import { interactionsQuery } from '../../../core/domains/interactions/queries.js'
import { opportunitiesQuery } from '../../../core/domains/opportunities/queries.js'
import { paymentsQuery } from '../../../core/domains/invoices/payment-queries.js'
import { invoicesQuery } from '../../../core/domains/invoices/queries.js'
import { scheduledMessagesQuery } from '../../../core/domains/messages/queries.js'
import { seriesQuery } from '../../../core/domains/series/queries.js'
import { ticketsQuery } from '../../../core/domains/tickets/queries.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { form, html, joinHtml, type SafeHtml } from '../../html.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { customerEmailForm, type EmailFormState } from './customer-email-form.js'
import { documentList, documentUploadForm } from '../documents/document-views.js'
import { interactionForm, interactionList } from '../interactions/interaction-views.js'
import { openOpportunityForm, opportunityList } from '../opportunities/opportunity-views.js'
import { timelineLine, type AuditEntry } from './customer-timeline.js'
import { ATTRIBUTE_SOURCE_WORDS, kindWords, ruleWords, shortMoment } from './customer-words.js'
import { LIFECYCLE_WORDS } from './customer-list.js'
import { customFieldsForm, customValues, fieldsFor } from '../custom-fields/custom-field-views.js'
import { addressPin } from './address-pin.js'
import { companyForm } from './company-form.js'
import { companyFacts, relationshipsSection } from './relationship-views.js'
import type { FieldErrors } from '../../form-kit.js'
import { recordLines } from '../capability-parts.js'

/** How many of each list the customer page shows; the history pages on. */
const SHOWN = 10
const HISTORY_PAGE = 20

type Ticket = z.output<typeof ticketsQuery.record>

/** Everything the customer page shows, read in a fixed number of queries whatever the customer has. */
export async function loadCustomer(caller: Caller, id: string, timeZone: string, historyCursor?: string) {
  const today = localDate(caller.services.now(), timeZone)
  const contact = await callQuery(caller, contactsQuery, { id, include: ['addresses', 'attributes', 'notes', 'links', 'external_ids'] })
  const [upcoming, past, series, invoices, payments, messages, history, users, interactions, opportunities, documents] = await Promise.all([
    callQuery(caller, ticketsQuery, { params: { contact_id: id, when: 'upcoming' }, include: ['technicians', 'notes'], limit: SHOWN }),
    callQuery(caller, ticketsQuery, {
      params: { contact_id: id, when: 'past', newest_first: 'true' },
      include: ['technicians', 'notes'],
      limit: SHOWN,
    }),
    callQuery(caller, seriesQuery, { params: { contact_id: id }, limit: SHOWN }),
    callQuery(caller, invoicesQuery, { params: { contact_id: id }, limit: SHOWN }),
    callQuery(caller, paymentsQuery, { params: { contact_id: id }, limit: SHOWN }),
    callQuery(caller, scheduledMessagesQuery, { params: { contact_id: id }, limit: SHOWN }),
    callQuery(caller, auditTrailQuery, { params: { contact_id: id }, limit: HISTORY_PAGE, cursor: historyCursor }),
    callQuery(caller, usersQuery, { limit: 100 }),
    callQuery(caller, interactionsQuery, { params: { contact_id: id }, limit: SHOWN }),
    callQuery(caller, opportunitiesQuery, { params: { contact_id: id }, limit: SHOWN }),
    callQuery(caller, documentsQuery, { params: { contact_id: id }, limit: SHOWN }),
  ])
  const capabilityLines = await recordLines(caller, { kind: 'customer', id })
  const fields = await fieldsFor(caller, 'contact', contact.kind)
  return {
    contact,
    upcoming,
    past,
    series,
    invoices,
    payments,
    messages,
    history,
    users,
    interactions,
    opportunities,
    documents,
    fields,
    today,
    capabilityLines,
  }
}

/** What loadCustomer reads. */
export type CustomerData = Awaited<ReturnType<typeof loadCustomer>>

function section(title: string, body: SafeHtml | SafeHtml[], empty: string): SafeHtml {
  const list = Array.isArray(body) ? body : [body]
  return html`<h2>${title}</h2>${list.length ? list : html`<p class="muted">${empty}</p>`}`
}

function ticketLine(t: Ticket, timeZone: string): SafeHtml {
  const who = (t.technicians ?? []).map((x) => x.name).join(', ')
  return html`<li><a href="${`/tickets/${t.id}`}">#${t.number} ${shortMoment(t.scheduled_start, timeZone)}</a>
<span class="muted">${[t.status.replace(/_/g, ' '), who, formatMoney(t.totals.total_cents, t.totals.currency)].filter(Boolean).join(' · ')}</span>${
    t.notes ? html`<br><span class="muted">${t.notes}</span>` : ''
  }</li>`
}

function attributeValue(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
}

/** The customer page's content: details, places, facts, visits, money, notes, emails and history. */
export function customerBody(
  data: CustomerData,
  opts: {
    timeZone: string
    csrf: string
    historyCursor?: string
    session?: SessionPrincipal
    email?: EmailFormState
    fieldErrors?: FieldErrors
  },
): SafeHtml {
  const c = data.contact
  const tz = opts.timeZone
  const names = new Map(data.users.items.map((u) => [u.id, u.name || u.email]))
  const ticketNumbers = new Map([...data.upcoming.items, ...data.past.items].map((t) => [t.id, t.number]))
  const base = `/customers/${c.id}`
  const channels = [
    ...c.phones.map(
      (p) => html`<a href="${`tel:${p.value}`}">${p.value}</a>${p.label ? html` <span class="muted">${p.label}</span>` : ''}`,
    ),
    ...c.emails.map(
      (e) => html`<a href="${`mailto:${e.value}`}">${e.value}</a>${e.label ? html` <span class="muted">${e.label}</span>` : ''}`,
    ),
  ]
  const prefs = c.preferences
  const prefLines = [
    prefs.time_of_day && `Prefers the ${prefs.time_of_day}`,
    prefs.preferred_days?.length && `Days: ${prefs.preferred_days.join(', ')}`,
    prefs.notes,
  ].filter((x): x is string => typeof x === 'string' && x !== '')
  const facts = [
    ...prefLines.map((p) => html`<li>${p} <span class="muted">(preference)</span></li>`),
    ...(c.attributes ?? []).map(
      (a) =>
        html`<li>${a.key.replace(/_/g, ' ')}: ${attributeValue(a.value)} <span class="muted">(${ATTRIBUTE_SOURCE_WORDS[a.source] ?? a.source}${
          a.source_ticket_id ? html`, <a href="${`/tickets/${a.source_ticket_id}`}">from this visit</a>` : ''
        }${a.confirmed_by ? `, confirmed by ${names.get(a.confirmed_by) ?? 'a team member'}` : ''})</span></li>`,
    ),
  ]
  const owed = data.invoices.items
    .filter((i) => i.status !== 'void' && i.status !== 'draft')
    .reduce((sum, i) => sum + i.amount_due_cents, 0)
  const currency = data.invoices.items[0]?.currency ?? 'USD'
  return html`<div class="cust"><p class="muted">${kindWords(c.kind)} · ${LIFECYCLE_WORDS[c.lifecycle]} since ${shortMoment(c.lifecycle_since, tz)}${c.status !== 'active' ? ` · ${c.status}` : ''}${c.tags.length ? ' · Tags: ' : ''}${c.tags.join(', ')}</p>
${data.capabilityLines({ csrf: opts.csrf, back: base })}
<p class="row"><a class="button" href="${`${base}/book`}">Book a visit</a><a class="button second" href="${`${base}/edit`}">Edit</a></p>
${section('Contact', channels.length ? html`<p>${joinHtml(channels, html`<br>`)}</p>` : [], 'No phone or email.')}
${c.about ? html`<p>${c.about}</p>` : ''}
${
  c.external_ids?.length
    ? html`<p class="muted">${joinHtml(
        c.external_ids.map((x) => html`${externalIdLabel(x.source)}: ${x.external_id}`),
        html`<br>`,
      )}</p>`
    : ''
}
${section(
  'Addresses',
  (c.addresses ?? []).map(
    (a) =>
      html`<div class="card">${a.label ? html`<b>${a.label}</b><br>` : ''}${a.line1}${a.line2 ? html`, ${a.line2}` : ''}<br>${a.city}, ${a.state} ${a.postal_code}${
        a.access_notes ? html`<br><span class="muted">Access: ${a.access_notes}</span>` : ''
      }${addressPin(a, c.id, opts.csrf)}</div>`,
  ),
  'No address yet.',
)}
${customFieldsSection(data, base, opts.csrf, opts.fieldErrors)}
${companyFacts(c)}${c.kind === 'organization' ? companyForm(c, opts.csrf) : ''}
${section('Preferences and facts', facts.length ? html`<ul>${facts}</ul>` : [], 'Nothing known yet.')}
${relationshipsSection(c, opts.csrf)}
${section('Upcoming visits', data.upcoming.items.length ? html`<ul>${data.upcoming.items.map((t) => ticketLine(t, tz))}</ul>` : [], 'Nothing booked.')}
${section('Past visits', data.past.items.length ? html`<ul>${data.past.items.map((t) => ticketLine(t, tz))}</ul>` : [], 'No visits yet.')}
${section(
  'Recurring visits',
  data.series.items.length
    ? html`<ul>${data.series.items.map(
        (s) =>
          html`<li><a href="/series/${s.id}">${ruleWords(s.rule)} at ${s.start_time}</a> · ${s.status}${
            s.next_visits[0]
              ? html` · next <a href="${`/tickets/${s.next_visits[0].id}`}">#${s.next_visits[0].number} ${shortMoment(s.next_visits[0].scheduled_start, tz)}</a>`
              : ''
          }</li>`,
      )}</ul>`
    : [],
  'No recurring visits.',
)}
<h2 id="opportunities">Opportunities</h2>${opportunityList(data.opportunities.items, 'No opportunities.')}
${openOpportunityForm(opts.csrf, { field: 'contact_id', id: c.id })}
<h2>Invoices and payments</h2><p><b>${owed > 0 ? `Owes ${formatMoney(owed, currency)}` : 'Owes nothing'}</b>${data.invoices.next_cursor ? html` <span class="muted">(on the ${SHOWN} latest invoices)</span>` : ''}</p>
${
  data.invoices.items.length
    ? html`<ul>${data.invoices.items.map(
        (i) =>
          html`<li><a href="${`/invoices/${i.id}`}">${i.number}</a> <span class="muted">${i.status.replace(/_/g, ' ')} · ${formatMoney(
            i.total_cents,
            i.currency,
          )}${i.amount_due_cents ? ` · ${formatMoney(i.amount_due_cents, i.currency)} due ${i.due_on}` : ''}</span></li>`,
      )}</ul>`
    : html`<p class="muted">No invoices.</p>`
}
${data.payments.items.length ? html`<ul>${data.payments.items.map((p) => html`<li>${formatMoney(p.amount_cents, p.currency)} ${p.method} on ${shortMoment(p.received_at, tz)} <span class="muted">for ${p.invoice_number}</span></li>`)}</ul>` : ''}
<h2>Notes</h2>${form(`${base}/notes`, opts.csrf, html`<label>New note<textarea name="content" rows="3" required></textarea></label><button>Add note</button>`)}
${
  (c.notes ?? []).length
    ? html`<ul>${(c.notes ?? []).map(
        (n) =>
          html`<li>${n.content} <span class="muted">— ${
            n.author_type === 'agent' ? 'Agent' : n.author_type === 'system' ? 'System' : (names.get(n.author_id ?? '') ?? 'A team member')
          }, ${shortMoment(n.created_at, tz)}</span></li>`,
      )}</ul>`
    : html`<p class="muted">No notes yet.</p>`
}
<h2 id="calls">Calls, emails and meetings</h2>${interactionList(data.interactions.items, { csrf: opts.csrf, back: `${base}#calls`, timeZone: tz, today: data.today, names })}
<p><a href="${`${base}/timeline`}">Everything that happened, newest first</a></p>
<details><summary>Log a call, email or meeting</summary>${interactionForm(`${base}/interactions`, opts.csrf)}</details>
<p><a href="/quotes/new?contact_id=${c.id}">New quote</a> · <a href="/invoices/new?contact_id=${c.id}">New invoice</a></p>
<h2 id="files">Files and photos</h2>${documentList(data.documents.items, tz)}
<details><summary>Upload a file or photo</summary>${documentUploadForm(`${base}/documents`, opts.csrf)}</details>
${opts.session ? customerEmailForm(c.id, opts.session, opts.email) : ''}
${section(
  'Emails',
  data.messages.items.length
    ? html`<ul>${data.messages.items.map(
        (m) =>
          html`<li>${m.subject ?? m.kind.replace(/_/g, ' ')} <span class="muted">${
            m.status === 'sent' && m.sent_at
              ? `sent ${shortMoment(m.sent_at, tz)}`
              : `${m.status.replace(/_/g, ' ')} · ${shortMoment(m.send_at, tz)}`
          }</span></li>`,
      )}</ul>`
    : [],
  'No emails.',
)}
${section('History', data.history.items.length ? html`<ul class="history">${data.history.items.map((e) => timelineLine(e as AuditEntry, names, ticketNumbers, tz))}</ul>` : [], 'No changes yet.')}
${
  data.history.next_cursor || opts.historyCursor
    ? html`<p class="row pager">${opts.historyCursor ? html`<a href="${`${base}#history`}">Latest changes</a>` : ''}${
        data.history.next_cursor
          ? html`<a href="${`${base}?history=${encodeURIComponent(data.history.next_cursor)}#history`}">Older changes</a>`
          : ''
      }</p>`
    : ''
}
<p><a href="${`${base}/export`}">Everything held about this customer</a> <span class="muted">(to read or download, for their request)</span></p>
<p><a href="${`${base}/erase`}">Erase this customer</a> <span class="muted">(on their request: removes their personal data for good)</span></p>
${
  c.status === 'archived'
    ? form(`${base}/restore`, opts.csrf, html`<button class="second">Restore this customer</button>`)
    : form(`${base}/archive`, opts.csrf, html`<button class="deny">Archive this customer</button>`)
}</div>`
}

/** The business's own fields of this customer, and the form that fills them in (open when it was refused). */
function customFieldsSection(data: CustomerData, base: string, csrf: string, errors?: FieldErrors): SafeHtml | '' {
  const values = data.contact.custom_fields
  if (!data.fields.live.length && !Object.keys(values).length) return ''
  return html`<h2 id="fields">Custom fields</h2>${customValues(data.fields, values)}${
    data.fields.live.length
      ? html`<details${errors?.size ? html` open` : ''}><summary>Edit custom fields</summary>${customFieldsForm(
          `${base}/fields`,
          csrf,
          data.fields.live,
          values,
          errors ?? new Map(),
        )}</details>`
      : ''
  }`
}

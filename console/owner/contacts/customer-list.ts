import type { z } from 'zod'
import type { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { html, type SafeHtml } from '../../html.js'
import { shortMoment } from './customer-words.js'

/** The list's filters as the GET form sends them; '' when not given. */
export interface CustomerFilters {
  q: string
  tag: string
  place: string
  kind: string
  status: string
  lifecycle: string
  sort: string
}

/** The filters read from a query string: only known choices are kept, text as typed. */
export function filtersOf(query: Record<string, unknown>): CustomerFilters {
  const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '')
  const choice = (k: string, allowed: string[]) => (allowed.includes(text(k)) ? text(k) : '')
  return {
    q: text('q'),
    tag: text('tag'),
    place: text('place'),
    kind: choice('kind', ['person', 'organization']),
    status: choice('status', ['archived']),
    lifecycle: choice('lifecycle', ['prospect', 'customer', 'past_customer']),
    sort: choice('sort', ['last_visit']),
  }
}

/** The contacts query's filters for the list's: a place of digits is a postal code, other words a town. */
export function contactParams(f: CustomerFilters): Record<string, string | undefined> {
  const postal = /^\d[\d -]*$/.test(f.place)
  return {
    words: f.q || undefined,
    tag: f.tag || undefined,
    city: f.place && !postal ? f.place : undefined,
    postal_code: f.place && postal ? f.place : undefined,
    kind: f.kind || undefined,
    status: f.status || undefined,
    lifecycle: f.lifecycle || undefined,
    sort: f.sort || 'name',
  }
}

/** The filters as a query string, for the pager's links. */
export function filterQuery(f: CustomerFilters, extra: Record<string, string> = {}): string {
  return new URLSearchParams(Object.entries({ ...f, ...extra }).filter(([, v]) => v !== '')).toString()
}

function option(value: string, words: string, current: string): SafeHtml {
  return html`<option value="${value}"${value === current ? html` selected` : ''}>${words}</option>`
}

/** The filter form: a GET form, so it works without JavaScript and the address can be bookmarked. */
export function filterForm(f: CustomerFilters): SafeHtml {
  return html`<form method="get" action="/customers" class="card filters">
<label>Name, email, phone or address<input type="search" name="q" value="${f.q}"></label>
<div class="row"><label>Tag<input name="tag" value="${f.tag}"></label><label>Town or postal code<input name="place" value="${f.place}"></label></div>
<div class="row"><label>Kind<select name="kind">${option('', 'Any', f.kind)}${option('person', 'Person', f.kind)}${option('organization', 'Company', f.kind)}</select></label>
<label>Status<select name="status">${option('', 'Active', f.status)}${option('archived', 'Archived', f.status)}</select></label>
<label>Stage<select name="lifecycle">${option('', 'Any', f.lifecycle)}${option('prospect', 'Prospect', f.lifecycle)}${option('customer', 'Customer', f.lifecycle)}${option('past_customer', 'Past customer', f.lifecycle)}</select></label>
<label>Sort<select name="sort">${option('', 'Name', f.sort)}${option('last_visit', 'Last visit', f.sort)}</select></label></div>
<button>Show customers</button></form>`
}

type Contact = z.output<typeof contactsQuery.record>

/** A contact's lifecycle as the owner's pages say it. */
export const LIFECYCLE_WORDS: Record<Contact['lifecycle'], string> = {
  prospect: 'Prospect',
  customer: 'Customer',
  past_customer: 'Past customer',
}

/** One customer in the list: name (linked), town, phone, and the next visit or else the last one. */
export function customerRow(c: Contact, timeZone: string): SafeHtml {
  const town = c.addresses?.[0]?.city
  const next = c.visits?.next_visit
  const last = c.visits?.last_visit
  const visit = next
    ? `Next visit ${shortMoment(next.scheduled_start, timeZone)}`
    : last
      ? `Last visit ${shortMoment(last.scheduled_start, timeZone)}`
      : 'No visits yet'
  return html`<li class="card"><a href="${`/customers/${c.id}`}"><b>${c.display_name}</b></a>${c.status === 'archived' ? html` <span class="muted">(archived)</span>` : ''} <span class="muted">· ${LIFECYCLE_WORDS[c.lifecycle]}</span>
<br><span class="muted">${[town, c.phone].filter(Boolean).join(' · ') || 'No town or phone'}</span><br><span class="muted">${visit}</span></li>`
}

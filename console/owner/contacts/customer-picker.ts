import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { html, type SafeHtml } from '../../html.js'

/** Customers a search offers at most. */
const MATCHES = 10

/** A customer as the picker shows it. */
export interface PickedCustomer {
  id: string
  display_name: string
  email: string | null
}

/** What the picker knows: the customer already chosen, or the matches of the words searched, or why the search failed. */
export interface CustomerPick {
  chosen: PickedCustomer | null
  matches: PickedCustomer[]
  q: string
  error?: string
}

/** Reads the customer chosen by id (an unknown or malformed id is simply not chosen), else the customers matching the words q. */
export async function pickCustomer(caller: Caller, contactId: string, q: string): Promise<CustomerPick> {
  if (contactId && /^[0-9a-f-]{36}$/i.test(contactId)) {
    try {
      const c = await callQuery(caller, contactsQuery, { id: contactId })
      return { chosen: { id: c.id, display_name: c.display_name, email: c.email }, matches: [], q }
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') throw err
    }
  }
  if (!q) return { chosen: null, matches: [], q }
  try {
    return { chosen: null, matches: (await callQuery(caller, contactsQuery, { params: { q }, limit: MATCHES })).items, q }
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return { chosen: null, matches: [], q, error: err.message }
  }
}

/** The search that finds a customer: a plain GET form to the page itself, so it needs no JavaScript. */
export function customerSearch(action: string, pick: CustomerPick): SafeHtml {
  return html`<form method="get" action="${action}" role="search" aria-label="Find a customer"><label>Find the customer<input type="search" name="q" value="${
    pick.q
  }" autocomplete="off" placeholder="name, email or phone"></label><button class="second">Search</button></form>${
    pick.error ? html`<p class="err">${pick.error}</p>` : ''
  }${
    pick.q && !pick.matches.length && !pick.error
      ? html`<p class="note">No customer matches; try part of the name, the email or 4 digits of the phone.</p>`
      : ''
  }`
}

/** The customer field of a form: the chosen customer as a hidden id, or one radio button per match (the only one checked). */
export function customerChoice(pick: CustomerPick, changeHref: string): SafeHtml {
  if (pick.chosen) {
    return html`<input type="hidden" name="contact_id" value="${pick.chosen.id}"><p>Customer: <b>${pick.chosen.display_name}</b>${
      pick.chosen.email ? html` <span class="muted">${pick.chosen.email}</span>` : ''
    } <a href="${changeHref}">Choose another</a></p>`
  }
  return html`<input type="hidden" name="q" value="${pick.q}"><fieldset><legend>Customer</legend>${pick.matches.map(
    (c) =>
      html`<label class="c"><input type="radio" name="contact_id" value="${
        c.id
      }" required${pick.matches.length === 1 ? html` checked` : ''}>${c.display_name}${c.email ? html` <span class="muted">${c.email}</span>` : ''}</label>`,
  )}</fieldset>`
}

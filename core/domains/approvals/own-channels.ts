import { remembered, type ReadAhead } from '../../db/read-memo.js'
import { sqlLiteral } from '../../db/tenant.js'
import type { OperationContext } from '../../kernel/context.js'
import { isUuid } from '../../kernel/schema-types.js'
import { businessCountry } from '../../vocabulary/business-country.js'
import { type OwnChannels, siteHost } from '../../text/customer-words/channels.js'
import { loadTenantSettings } from '../settings/model.js'

/** The records whose customer a call's words are for, by the field naming them, and the read that says who it is. */
const CUSTOMER_OF: Array<[field: string, sql: string]> = [
  ['invoice_id', 'select contact_id from invoices where id = $1'],
  ['ticket_id', 'select contact_id from tickets where id = $1'],
  ['quote_id', 'select contact_id from quotes where id = $1'],
  ['address_id', 'select contact_id from addresses where id = $1'],
  ['message_id', 'select contact_id from scheduled_messages where id = $1'],
  ['series_id', 'select contact_id from series where id = $1'],
  ['recurring_invoice_id', 'select contact_id from recurring_invoices where id = $1'],
  ['customer_plan_id', 'select contact_id from customer_plans where id = $1'],
  ['line_item_id', 'select t.contact_id from ticket_line_items l join tickets t on t.id = l.ticket_id where l.id = $1'],
]

/**
 * The channels an agent's words for customers may name without the owner: the business's phone, reply-to email, web
 * site and review page from its settings, and the email addresses and phone numbers of the customer the call is for
 * (the contact it names, or the contact of the record it names: an invoice, a visit or its line, a quote, an address, a
 * message, a series, a plan; or those the call itself gives a new contact).
 */
export async function ownChannels(ctx: OperationContext, input: unknown): Promise<OwnChannels> {
  const settings = await loadTenantSettings(ctx.db)
  const given = input && typeof input === 'object' ? (input as Record<string, unknown>) : {}
  const site = siteHost(settings.website)
  const own = {
    phones: [settings.phone, ...valuesOf(given.phone), ...valuesOf(given.phones)].filter(Boolean),
    emails: [settings.reply_to_email ?? '', ...valuesOf(given.email), ...valuesOf(given.emails)].filter(Boolean),
    sites: site ? [site] : [],
    links: settings.review_link ? [settings.review_link] : [],
    country: businessCountry(settings.timezone),
  }
  const contact = await customerOf(ctx, given)
  if (contact) {
    const r = await remembered(ctx.db, channelsKey(contact), () =>
      ctx.db.query<{ emails: string[]; phones: string[] }>(channelsSql('$1'), [contact]),
    )
    own.emails.push(...(r.rows[0]?.emails ?? []))
    own.phones.push(...(r.rows[0]?.phones ?? []))
  }
  return own
}

/** The contact a call is for: the one it names, or the one of the record it names; null when none. */
async function customerOf(ctx: OperationContext, given: Record<string, unknown>): Promise<string | null> {
  if (isUuid(given.contact_id)) return given.contact_id
  for (const [field, sql] of CUSTOMER_OF) {
    if (!isUuid(given[field])) continue
    const r = await ctx.db.query<{ contact_id: string }>(sql, [given[field]])
    if (r.rows[0]) return r.rows[0].contact_id
  }
  return null
}

/**
 * The read of the customer's channels for a call that names its contact, sent with an agent's BEGIN (core/kernel/operations.ts):
 * a booking's words are then checked without a round trip of their own. None for a call that names no contact.
 */
export function channelsRead(input: unknown): ReadAhead[] {
  const id = input && typeof input === 'object' ? (input as { contact_id?: unknown }).contact_id : undefined
  return typeof id === 'string' && isUuid(id) ? [{ key: channelsKey(id), sql: channelsSql(`${sqlLiteral(id)}::uuid`) }] : []
}

function channelsKey(contactId: string): string {
  return `own channels ${contactId.toLowerCase()}`
}

function channelsSql(contactId: string): string {
  return `select array(select e->>'value' from jsonb_array_elements(c.emails) e) || array_remove(array[c.email], null) as emails,
              array(select p->>'value' from jsonb_array_elements(c.phones) p) || array_remove(array[c.phone], null) as phones
         from contacts c where c.id = ${contactId}`
}

/** The strings a field gives: a string, or the values of a list of strings or of {value} items. */
function valuesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value)) return []
  return value.map((v) => (typeof v === 'string' ? v : v && typeof v === 'object' ? String((v as { value?: unknown }).value ?? '') : ''))
}

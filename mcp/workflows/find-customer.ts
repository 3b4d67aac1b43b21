import { z } from 'zod'
import { callQuery, type TypedPage } from '../../core/kernel/call-query.js'
import { contactsQuery } from '../../core/domains/contacts/queries.js'
import { searchQuery } from '../../core/domains/search/queries.js'
import { settingsQuery } from '../../core/domains/settings/queries.js'
import { CLOSE, questionWhy, rankCustomer } from '../../core/domains/search/customer-rank.js'
import { defineTool, type ToolContext } from '../tool.js'
import { businessCountry } from '../../core/vocabulary/business-country.js'
import { lastVisitText } from './last-visit.js'
import { customerOverviewQuery, type LastVisit } from '../../core/domains/invoices/customer-overview.js'

/** Whether an action (domain.name) or data type is registered. */
export function registered(ctx: ToolContext, what: { action?: string; type?: string }): boolean {
  return what.action ? ctx.services.registry.actions.has(what.action) : ctx.services.registry.queries.has(what.type ?? '')
}

/** The business's time zone. */
export async function businessZone(ctx: ToolContext): Promise<string> {
  const [settings] = (await callQuery(ctx, settingsQuery)).items
  return settings.timezone
}

/** A page of the universal search, which also says how a question was read (see searchQuery's description). */
type SearchPage = TypedPage<typeof searchQuery.record> & {
  read_as?: unknown
  read_by?: unknown
  reading?: string
  model_note?: string
  first_name_count?: number
}

/** A contact found by words, with how it matched and how well (0 to 1) and why, in a few words. */
export interface CustomerHit {
  contact_id: string
  name: string
  found: string
  score: number
  why: string
}

/** Customers found by words, best first, and how the words were read when they were read as a question. */
export interface CustomerSearch {
  hits: CustomerHit[]
  read?: { read_as: unknown; read_by: unknown; reading?: string; model_note?: string }
}

/** Contacts matching free words, ranked by how well they match: the universal search when registered, else the contacts list's q filter. */
export async function findCustomers(ctx: ToolContext, q: string, limit: number): Promise<CustomerSearch> {
  // More candidates than shown, so ranking by name can bring an exact name up from below near ones.
  const wanted = Math.max(limit * 2, 10)
  let found: Array<{
    contact_id: string
    name: string
    matched: string
    detail: string
    score: number
    held?: string[]
    missing?: string[]
  }>
  let read: CustomerSearch['read']
  let firstNames: number | undefined
  if (registered(ctx, { type: 'search' })) {
    const page: SearchPage = await callQuery(ctx, searchQuery, { params: { q, kinds: 'contact' }, limit: wanted })
    firstNames = page.first_name_count
    found = page.items
      .filter((h) => h.kind === 'contact')
      .map((h) => ({
        contact_id: h.id,
        name: h.label,
        matched: h.matched,
        detail: h.detail,
        score: h.score,
        ...(h.held ? { held: h.held, missing: h.missing } : {}),
      }))
    if (page.reading)
      read = {
        read_as: page.read_as,
        read_by: page.read_by,
        reading: page.reading,
        ...(page.model_note ? { model_note: page.model_note } : {}),
      }
  } else {
    const page = await callQuery(ctx, contactsQuery, { params: { q }, limit: wanted })
    found = page.items.map((c) => ({
      contact_id: c.id,
      name: c.display_name,
      matched: 'words',
      detail: [c.email, c.phone].filter(Boolean).join(' · '),
      score: 0.6,
    }))
  }
  const question = read ? questionWhy(read.read_as as Record<string, unknown>) : undefined
  const country = found.some((h) => h.matched === 'phone') ? businessCountry(await businessZone(ctx)) : undefined
  const hits = found
    .map((h) => ({
      contact_id: h.contact_id,
      name: h.name,
      found: `${h.matched}: ${h.detail}`,
      ...rankCustomer(q, h, question, country, firstNames),
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
  return { hits, ...(read ? { read } : {}) }
}

/** Contacts matching free words, best first (see findCustomers). */
export async function searchCustomers(ctx: ToolContext, q: string, limit: number): Promise<CustomerHit[]> {
  return (await findCustomers(ctx, q, limit)).hits
}

/** The one close match to act on, "none close", or "several close" when two or more are about as good. */
export function bestOf(hits: CustomerHit[]): string {
  const close = hits.filter((h) => h.score >= CLOSE)
  if (!close.length) return 'none close'
  if (close.length === 1 || close[0].score - close[1].score >= 0.08) return close[0].contact_id
  return 'several close'
}

/** One contact from words: the one close match (see bestOf); otherwise the candidates to choose from. */
export async function resolveCustomer(ctx: ToolContext, words: string): Promise<{ contact: CustomerHit } | { candidates: CustomerHit[] }> {
  const hits = await searchCustomers(ctx, words, 5)
  const best = bestOf(hits)
  const one = hits.find((h) => h.contact_id === best)
  return one ? { contact: one } : { candidates: hits }
}

/** An invoice still due, as a caller needs it to act on it: its id and number, when it was due, what is paid and what is due. */
export interface OpenInvoice {
  id: string
  number: string
  due_on: string
  amount_paid_cents: number
  amount_due_cents: number
}

/** What a caller needs to decide about a customer: last service, next ticket, open balance and the invoices that make it. */
export interface CustomerLine {
  last_service: string | null
  last_visit: LastVisit | null
  next_ticket: string | null
  next_ticket_id: string | null
  open_balance_cents: number
  open_invoices: OpenInvoice[]
}

/** Each customer's line (see CustomerLine), for up to 100 customers, from one read of their overview whatever their number. */
export async function customerLines(ctx: ToolContext, contactIds: string[]): Promise<Map<string, CustomerLine>> {
  const out = new Map<string, CustomerLine>()
  if (!contactIds.length) return out
  const overviews = await callQuery(ctx, customerOverviewQuery, { params: { contact_ids: contactIds.join(',') }, limit: contactIds.length })
  for (const o of overviews.items) {
    out.set(o.contact_id, {
      last_service: o.last_visit ? lastVisitText(o.last_visit) : null,
      last_visit: o.last_visit,
      next_ticket: o.next_ticket ? `#${o.next_ticket.number} ${o.next_ticket.starts} (${o.next_ticket.status})` : null,
      next_ticket_id: o.next_ticket?.ticket_id ?? null,
      open_balance_cents: o.open_balance_cents,
      open_invoices: o.open_invoices.map((i) => ({
        id: i.id,
        number: i.number,
        due_on: i.due_on,
        amount_paid_cents: i.amount_paid_cents,
        amount_due_cents: i.amount_due_cents,
      })),
    })
  }
  return out
}

/** Layer 2: find a customer by any words and see, per match, what matters for the next step. */
export const findCustomer = defineTool({
  name: 'find_customer',
  phrases: ['look up a customer', 'find a customer by name or phone', 'what do we know about a customer'],
  title: 'Find a customer',
  description:
    'Finds customers by any words (name, phone, email, street, notes, facts; typos ok) or a question ("elderly woman in ' +
    'Owens Cross Roads"), closest first, each with why, last and next visit and open invoices; best: the one close match.',
  input: {
    q: z.string().trim().min(1).max(200),
    limit: z.number().int().min(1).max(10).optional(),
  },
  output: { matches: z.array(z.object({ contact_id: z.string() })) },
  readOnly: true,
  idempotent: true,
  async run(ctx, args) {
    const { hits, read } = await findCustomers(ctx, args.q, args.limit ?? 5)
    const lines = await customerLines(
      ctx,
      hits.map((h) => h.contact_id),
    )
    const matches = hits.map((hit) => ({
      contact_id: hit.contact_id,
      name: hit.name,
      score: hit.score,
      why: hit.why,
      match: hit.score >= 1 ? 'exact' : hit.score >= CLOSE ? 'close' : 'near',
      found: hit.found,
      ...lines.get(hit.contact_id),
    }))
    const best = bestOf(hits)
    const answer = answerOf(args.q, hits, best)
    if (!matches.length) {
      return { best, answer, matches, ...read, hint: 'No customer matches; try fewer or other words (a phone number, street or email).' }
    }
    return { best, answer, matches, ...read }
  },
})

/** One sentence an agent can act on: who the one is, that none is close, or that several are. */
function answerOf(q: string, hits: CustomerHit[], best: string): string {
  if (!hits.length) return `No customer matches "${q}".`
  const one = hits.find((h) => h.contact_id === best)
  if (one) {
    const rest =
      hits.length > 1
        ? `; the other${hits.length > 2 ? 's are' : ' is'} ${hits.some((h) => h !== one && h.score >= CLOSE) ? 'less close' : 'only near'}`
        : ''
    return `${one.name} (${one.why}) is the match${rest}.`
  }
  if (best === 'none close' && hits.some((h) => h.found.startsWith('closest:'))) {
    return (
      `No customer satisfies every part of "${q}"; the closest are listed as near, each saying which parts held and which did not: ` +
      'confirm before using one.'
    )
  }
  if (best === 'none close') {
    return (
      `No customer matches "${q}" closely; the nearest ${hits.length === 1 ? 'is' : 'are'} listed as near: confirm before using one, ` +
      'or ask for a phone number or street.'
    )
  }
  const close = hits.filter((h) => h.score >= CLOSE)
  return `${close.length} customers match "${q}" about as well (${close.map((h) => `${h.name}: ${h.why}`).join('; ')}): ask which one.`
}

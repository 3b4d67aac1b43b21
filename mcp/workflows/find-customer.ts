import { z } from 'zod'
import { performAction, performQuery, type ActionOutcome } from '../../core/operations.js'
import { wallClock } from '../../core/domains/tickets/model.js'
import { localDate } from '../../core/time.js'
import { defineTool, type ToolContext } from '../tool.js'
import { lastVisitOf, lastVisitText } from './last-visit.js'

type Row = Record<string, any>

/** Reads one data type through the registered query path (policy, tenant, audit); filters are sent as strings. */
export async function readData(ctx: ToolContext, type: string, filters: Record<string, string | number | undefined> = {},
  opts: { id?: string; include?: string[]; limit?: number; cursor?: string } = {}): Promise<any> {
  const given = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))
  return performQuery(ctx.services, ctx.principal, { type, id: opts.id, include: opts.include, limit: opts.limit, cursor: opts.cursor, filters: given },
    { requestId: ctx.requestId })
}

/** Every item of a filtered list, page by page. */
export async function readAll(ctx: ToolContext, type: string, filters: Record<string, string | number | undefined>, include?: string[]): Promise<Row[]> {
  const out: Row[] = []
  let cursor: string | undefined
  do {
    const page = await readData(ctx, type, filters, { include, limit: 100, cursor })
    out.push(...page.items)
    cursor = page.next_cursor ?? undefined
  } while (cursor)
  return out
}

/** Runs one registered action as the caller. */
export async function runAction(ctx: ToolContext, domain: string, action: string, data: Record<string, unknown>, reasoning?: string): Promise<ActionOutcome> {
  return performAction(ctx.services, ctx.principal, { domain, action, data, reasoning }, { requestId: ctx.requestId })
}

/** Whether an action (domain.name) or data type is registered. */
export function registered(ctx: ToolContext, what: { action?: string; type?: string }): boolean {
  return what.action ? ctx.services.registry.actions.has(what.action) : ctx.services.registry.queries.has(what.type ?? '')
}

/** The business's time zone. */
export async function businessZone(ctx: ToolContext): Promise<string> {
  const settings = await readData(ctx, 'settings')
  return String((settings.items?.[0] ?? settings).timezone)
}

/** A contact found by words, with how it matched. */
export interface CustomerHit {
  contact_id: string
  name: string
  found: string
  score: number | null
}

/** Contacts matching free words: the universal search when registered, else the contacts list's q filter. */
export async function searchCustomers(ctx: ToolContext, q: string, limit: number): Promise<CustomerHit[]> {
  if (registered(ctx, { type: 'search' })) {
    const page = await readData(ctx, 'search', { q, kinds: 'contact' }, { limit })
    return (page.items as Row[]).filter((h) => h.kind === 'contact').slice(0, limit)
      .map((h) => ({ contact_id: h.id, name: h.label, found: `${h.matched}: ${h.detail}`, score: h.score }))
  }
  const page = await readData(ctx, 'contacts', { q }, { limit })
  return (page.items as Row[]).map((c) => ({ contact_id: c.id, name: c.display_name, found: [c.email, c.phone].filter(Boolean).join(', '), score: null }))
}

/** One contact from words: the only hit, or the one whose name is exactly the words; otherwise the candidates to choose from. */
export async function resolveCustomer(ctx: ToolContext, words: string): Promise<{ contact: CustomerHit } | { candidates: CustomerHit[] }> {
  const hits = await searchCustomers(ctx, words, 5)
  if (hits.length === 1) return { contact: hits[0] }
  const exact = hits.filter((h) => h.name.trim().toLowerCase() === words.trim().toLowerCase())
  if (exact.length === 1) return { contact: exact[0] }
  return { candidates: hits }
}

/** What a caller needs to decide about one customer: last service, next ticket, open balance. */
export async function customerLine(ctx: ToolContext, contactId: string, tz: string): Promise<Row> {
  const now = ctx.services.now()
  const today = localDate(now, tz)
  const last = await lastVisitOf(ctx, contactId, tz)
  const upcoming = await readData(ctx, 'tickets', { contact_id: contactId, status: 'active', from: today }, { limit: 10 })
  const next = (upcoming.items as Row[]).find((t) => new Date(t.scheduled_end).getTime() > now.getTime())
  const invoices = await readAll(ctx, 'invoices', { contact_id: contactId })
  const open = invoices.filter((i) => !['draft', 'void', 'paid'].includes(i.status))
  return {
    last_service: last ? lastVisitText(last) : null,
    last_visit: last,
    next_ticket: next ? `#${next.number} ${wallClock(new Date(next.scheduled_start), tz)} (${next.status})` : null,
    next_ticket_id: next?.id ?? null,
    open_balance_cents: open.reduce((sum, i) => sum + Number(i.amount_due_cents ?? 0), 0),
  }
}

/** Layer 2: find a customer by any words and see, per match, what matters for the next step. */
export const findCustomer = defineTool({
  name: 'find_customer',
  title: 'Find a customer',
  description: 'Finds customers by any words: name, phone (any 4+ digits), email, address, note text or attribute; typos tolerated. '
    + 'Each match: contact_id, name, found (what matched), last_service ("YYYY-MM-DD services; 3h22m on site; $662.00; facts learned '
    + 'on that visit" of the latest completed ticket) with last_visit (the same as fields: actual_minutes, time_on_site, booked_minutes, '
    + 'total_cents, note, facts), '
    + 'next_ticket ("#number Day YYYY-MM-DD HH:MM (status)", business time zone) with next_ticket_id, open_balance_cents '
    + '(integer cents due on sent, partially paid and overdue invoices). Best match first.',
  input: {
    q: z.string().trim().min(1).max(200).describe('Words to look for, e.g. "jane smith", "5550142", "oak street"'),
    limit: z.number().int().min(1).max(10).optional().describe('Most matches returned (default 5)'),
  },
  output: { matches: z.array(z.object({ contact_id: z.string(), name: z.string() })) },
  readOnly: true,
  idempotent: true,
  async run(ctx, args) {
    const hits = await searchCustomers(ctx, args.q, args.limit ?? 5)
    const tz = await businessZone(ctx)
    const matches = []
    for (const hit of hits) matches.push({ contact_id: hit.contact_id, name: hit.name, found: hit.found, ...(await customerLine(ctx, hit.contact_id, tz)) })
    return matches.length ? { matches } : { matches, hint: 'No customer matches; try fewer or other words (a phone number, street or email).' }
  },
})

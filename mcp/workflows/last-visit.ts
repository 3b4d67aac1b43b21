import { localDate } from '../../core/time.js'
import type { ToolContext } from '../tool.js'
import { callQuery, callQueryAll, readTogether } from '../../core/call-query.js'
import { attributesQuery } from '../../core/domains/attributes/queries.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'

/** Characters of the visit's close note shown; the rest stays behind crm_query. */
const MAX_NOTE = 100
/** Facts learned on the visit shown; the rest stay behind crm_query. */
const MAX_FACTS = 3

/** A customer's latest completed visit, as an agent plans the next one with it. */
export interface LastVisit {
  ticket_id: string
  number: number
  date: string
  services: string
  /** Time actually spent on site, recorded at close (null when none was recorded). */
  actual_minutes: number | null
  time_on_site: string | null
  booked_minutes: number
  total_cents: number
  currency: string
  /** The close note, shortened. */
  note: string | null
  /** Facts about the customer learned on that visit, e.g. "equipment: extension ladder". */
  facts: string[]
}

/** The customer's latest completed visit, or null when they have none. */
export async function lastVisitOf(ctx: ToolContext, contactId: string, tz: string): Promise<LastVisit | null> {
  return (await lastVisitsOf(ctx, [contactId], tz)).get(contactId) ?? null
}

/** Each customer's latest completed visit (up to 100 customers), in two reads of one transaction whatever their number; one never visited is absent. */
export async function lastVisitsOf(ctx: ToolContext, contactIds: string[], tz: string): Promise<Map<string, LastVisit>> {
  const out = new Map<string, LastVisit>()
  if (!contactIds.length) return out
  const ids = contactIds.join(',')
  const [visits, facts] = await readTogether(ctx, async (together) => [
    await callQuery(together, ticketsQuery, { params: { contact_ids: ids, status: 'completed', per_contact: 'last' }, include: ['line_items', 'notes'],
      limit: contactIds.length }),
    await callQueryAll(together, attributesQuery, { params: { contact_ids: ids } }),
  ] as const)
  for (const t of visits.items) {
    const learned = facts.filter((a) => a.source_ticket_id === t.id)
    const note = t.note_entries?.[0]?.content
    out.set(t.contact_id, {
      ticket_id: t.id,
      number: t.number,
      date: localDate(new Date(t.scheduled_start), tz),
      services: (t.line_items ?? []).map((l) => l.description).join(', '),
      actual_minutes: t.actual_minutes,
      time_on_site: t.time_on_site,
      booked_minutes: Math.round((Date.parse(t.scheduled_end) - Date.parse(t.scheduled_start)) / 60_000),
      total_cents: t.totals.total_cents,
      currency: t.totals.currency,
      note: note ? short(note) : null,
      facts: learned.slice(0, MAX_FACTS).map((a) => `${a.key.replace(/_/g, ' ')}: ${valueText(a.value)}`),
    })
  }
  return out
}

/** The visit in one line: "2026-10-01 Gutter Cleaning; 3h22m on site; $662.00; equipment: extension ladder". */
export function lastVisitText(v: LastVisit): string {
  return [`${v.date} ${v.services || 'no line items'}`, v.time_on_site && `${v.time_on_site} on site`, money(v.total_cents, v.currency), ...v.facts]
    .filter(Boolean).join('; ')
}

/** "$662.00" from cents and a currency code. */
export function money(cents: number, currency: string): string {
  let fmt = moneyFormats.get(currency)
  if (!fmt) {
    fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency })
    moneyFormats.set(currency, fmt)
  }
  return fmt.format(cents / 100)
}

// One formatter per currency: making one costs far more than using it.
const moneyFormats = new Map<string, Intl.NumberFormat>()

function valueText(v: unknown): string {
  return Array.isArray(v) ? v.join('/') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_NOTE ? `${flat.slice(0, MAX_NOTE - 1)}…` : flat
}

import { z } from 'zod'
import { callQuery, callQueryAll, readTogether, type TypedPage } from '../../core/kernel/call-query.js'
import type { Caller } from '../../core/kernel/call-action.js'
import type { QueryDefinition } from '../../core/kernel/registry.js'
import { authorizationRequestsQuery } from '../../core/domains/approvals/queries.js'
import { attributesQuery } from '../../core/domains/attributes/queries.js'
import { invoicesQuery } from '../../core/domains/invoices/queries.js'
import { interactionsQuery } from '../../core/domains/interactions/queries.js'
import { leadsQuery } from '../../core/domains/leads/queries.js'
import { appointmentResponsesQuery, deliveryProblemsQuery } from '../../core/domains/messages/queries.js'
import { settingsQuery } from '../../core/domains/settings/queries.js'
import { backupStatusQuery } from '../../core/domains/settings/backup-status-query.js'
import { readSetupGaps, setupGapLines } from '../../core/domains/settings/setup-gaps.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { unbilledWorkQuery } from '../../core/domains/tickets/unbilled.js'
import { waitlistCandidatesQuery } from '../../core/domains/waitlist/queries.js'
import { addDays, dayRange, localDate, localTime, weekdayName } from '../../core/vocabulary/time.js'
import { formatMoney } from '../../core/vocabulary/money.js'
import { shortText } from '../../core/text/short-text.js'
import { dateArg, defineTool } from '../tool.js'

/** Attributes shown per customer; the rest stay behind crm_query. */
const MAX_ATTRIBUTES = 4
/** Visits on a day up to which each route line carries the address, gate notes and facts. */
const DETAILED_ROUTE_MAX = 25
/** Unconfirmed visits named one by one; past this they are counted. */
const UNCONFIRMED_LISTED = 12
/** Characters of a customer's note or a delivery error shown in a line; the rest stays behind crm_query. */
const MAX_NOTE = 80

/** One day at a glance, as terse text lines: the route per technician and what needs attention. */
export const dailyBriefing = defineTool({
  name: 'daily_briefing',
  phrases: ['what should I do today', "today's agenda", 'what is on today'],
  title: 'Daily briefing',
  description:
    "The day in short text: each technician's route with customer facts, then what needs attention (unconfirmed visits, " +
    'unbilled work, overdue invoices, approvals, setup, ...).',
  input: { date: dateArg().optional().describe('Default today') },
  output: { date: z.string(), briefing: z.string() },
  readOnly: true,
  idempotent: true,
  // Every read in one read-only transaction: one snapshot of the day, one BEGIN and COMMIT instead of one per section.
  run: (caller, args) => readTogether(caller, (together) => briefing(together, args.date)),
})

/** The briefing's text, every read made through the caller (one transaction: see run). */
async function briefing(caller: Caller, asked?: string): Promise<{ date: string; briefing: string }> {
  const q = briefingRead(caller)
  const tz = (await q(settingsQuery)).items[0].timezone
  const date = asked ?? localDate(caller.services.now(), tz)
  const day = (await q(ticketsQuery, { date }, { include: ['technicians', 'address'] })).items
  // A visit already completed (even ahead of its time) is no longer on anyone's route.
  const tickets = day.filter((t) => t.status !== 'cancelled' && t.status !== 'completed')
  // A full day of routes in detail would crowd out everything else: past a point each visit is one short line.
  const detailed = tickets.length <= DETAILED_ROUTE_MAX
  const facts = detailed ? await attributesOf(caller, [...new Set(tickets.map((t) => String(t.contact_id)))]) : new Map<string, string>()
  // The weekday beside the date: the agent turns "Monday" into a date from here.
  const heading = `${date} ${weekdayName(date)} (${tz})`
  const lines = [
    detailed
      ? heading
      : `${heading}; ${tickets.length} visits in short (gate notes and facts: ` +
        `crm_query type=tickets date=${date} include=address, type=attributes contact_ids=...)`,
  ]
  const byTech = new Map<string, typeof tickets>()
  for (const t of tickets) {
    const names = t.technicians?.length ? t.technicians.map((x) => x.name) : ['Unassigned']
    for (const n of names) byTech.set(n, [...(byTech.get(n) ?? []), t])
  }
  for (const [tech, list] of byTech) {
    lines.push(`${tech}:`)
    for (const t of list) {
      if (!detailed) {
        lines.push(
          ` ${localTime(new Date(t.scheduled_start), tz)} #${t.number}${t.series_id ? ' (series)' : ''} ${t.contact_name}, ${t.address?.city ?? 'no address'}`,
        )
        continue
      }
      const a = t.address ? `${t.address.line1}, ${t.address.city}` : 'no address'
      const f = facts.get(String(t.contact_id))
      lines.push(
        ` ${localTime(new Date(t.scheduled_start), tz)}-${localTime(new Date(t.scheduled_end), tz)} #${t.number}${t.series_id ? ' (series)' : ''} ${t.contact_name}; ${a}` +
          `${t.address?.access_notes ? `; ${t.address.access_notes}` : ''}${f ? `; ${f}` : ''}`,
      )
    }
  }
  if (!tickets.length) lines.push('No appointments.')
  const done = day.filter((t) => t.status === 'completed')
  if (done.length) lines.push(`Done: ${done.map((t) => `#${t.number} ${t.contact_name}${doneNote(t)}`).join('; ')}`)
  const unconfirmed = tickets.filter((t) => t.status === 'scheduled' && t.confirmation_status !== 'accepted')
  if (unconfirmed.length > UNCONFIRMED_LISTED) {
    const byStatus = new Map<string, number>()
    for (const t of unconfirmed) byStatus.set(t.confirmation_status, (byStatus.get(t.confirmation_status) ?? 0) + 1)
    const counts = [...byStatus].map(([status, n]) => `${n} ${status}`)
    lines.push(`Unconfirmed: ${unconfirmed.length} (${counts.join(', ')}; crm_query type=tickets date=${date} status=scheduled)`)
  } else if (unconfirmed.length) {
    lines.push(`Unconfirmed: ${unconfirmed.map((t) => `#${t.number} (${t.confirmation_status})`).join(', ')}`)
  }
  const answers = (await q(appointmentResponsesQuery, { open: 'true' }, { limit: 20 })).items
  for (const [answer, label] of [
    ['decline', 'Declined'],
    ['change', 'Asked to move'],
  ] as const) {
    const these = answers.filter((a) => a.answer === answer)
    if (these.length) {
      lines.push(
        `${label}: ${these
          .map(
            (a) =>
              `#${a.ticket_number} ${a.contact_name} ${localDate(new Date(a.scheduled_start), tz)} ` +
              `${localTime(new Date(a.scheduled_start), tz)}${a.confirmation_note ? ` "${short(a.confirmation_note)}"` : ''}`,
          )
          .join('; ')} (reschedule or cancel)`,
      )
    }
  }
  const unreachable = (await q(deliveryProblemsQuery, { since: addDays(date, -7) }, { limit: 10 })).items
  if (unreachable.length) {
    lines.push(
      `Email problems: ${unreachable
        .map(
          (c) =>
            `${c.display_name} <${c.email ?? 'no email'}> ` +
            `${c.email_status !== 'ok' ? c.email_status : `${c.failed_count} failed`}${c.last_error ? ` (${short(c.last_error)})` : ''}` +
            `${c.pending_count ? `, ${c.pending_count} queued` : ''}`,
        )
        .join('; ')}`,
    )
  }
  const dueBefore = dayRange(addDays(date, 1), tz).start.toISOString()
  const leads = (await q(leadsQuery, { status: 'open', reminder_due_before: dueBefore }, { limit: 20 })).items
  if (leads.length)
    lines.push(
      `Leads due: ${leads.map((l) => `${l.name ?? 'unnamed'} (${l.service_interest ?? l.source ?? 'lead'}${l.urgency === 'high' ? ', urgent' : ''})`).join('; ')}`,
    )
  const followUps = await q(interactionsQuery, { follow_up: 'due' }, { limit: 20 })
  if (followUps.items.length) {
    lines.push(`Follow-ups due: ${followUps.items.length}${followUps.next_cursor ? '+' : ''} (crm_query type=interactions follow_up=due)`)
  }
  const overdue = (await q(invoicesQuery, { overdue: 'true' }, { include: ['contact'], limit: 20 })).items
  if (overdue.length)
    lines.push(
      `Overdue invoices: ${overdue.map((i) => `${i.number} ${i.contact?.display_name ?? ''} ${formatMoney(i.amount_due_cents, i.currency)} due ${i.due_on}`).join('; ')}`,
    )
  const credits = (await q(invoicesQuery, { credit: 'true' }, { include: ['contact'], limit: 20 })).items
  if (credits.length)
    lines.push(
      `Credits to refund: ${credits
        .map(
          (i) =>
            `${i.number} ${i.contact?.display_name ?? ''} ${formatMoney(i.credit_cents, i.currency)} ` +
            `(paid ${formatMoney(i.amount_paid_cents, i.currency)} of ${formatMoney(i.status === 'void' ? 0 : i.total_cents, i.currency)}${i.status === 'void' ? ', void' : ''})`,
        )
        .join('; ')}`,
    )
  const waiting = (await q(waitlistCandidatesQuery, { date }, { limit: 5 })).items
  if (waiting.length)
    lines.push(`Waitlist for gaps: ${waiting.map((w) => `${w.contact_name} (${w.service_name ?? 'any'}, ${w.time_of_day})`).join('; ')}`)
  const unbilled = unbilledLine(await q(unbilledWorkQuery, {}, { limit: 100 }))
  if (unbilled) lines.push(unbilled)
  const pending = (await q(authorizationRequestsQuery, { status: 'pending' }, { limit: 20 })).items
  if (pending.length) lines.push(`Pending authorizations: ${pending.length} (crm_query type=authorization_requests status=pending)`)
  // Each capability's trouble, in a line of its own, only when something needs the owner.
  for (const capability of caller.services.capabilities) {
    const line = await capability.briefing?.(caller)
    if (line) lines.push(line)
  }
  // Backups say nothing while all is well: only their trouble is worth a line.
  const backups = (await q(backupStatusQuery)).items[0]
  if (backups?.warning) lines.push(`${backups.warning} (tell the owner: /settings#backups)`)
  // What the business still lacks (no services, no way to pay) stays in the briefing until it is done.
  lines.push(...setupGapLines(await readSetupGaps(caller)))
  return { date, briefing: lines.join('\n') }
}

/** Unbilled items shown by name per reason; the rest are counted. */
const MAX_UNBILLED = 3

/** A page of the unbilled_work data type. */
type UnbilledPage = TypedPage<typeof unbilledWorkQuery.record>

/** A briefing's read of one data type: its filters, 100 records unless told, as the caller. */
type BriefingRead = <P extends z.ZodObject, R extends z.ZodType>(
  def: QueryDefinition<P, R>,
  params?: z.input<P>,
  extra?: { include?: string[]; limit?: number },
) => Promise<TypedPage<R>>

function briefingRead(caller: Caller): BriefingRead {
  return (def, params, extra = {}) => callQuery(caller, def, { params, ...extra, limit: extra.limit ?? 100 })
}

/** The time a completed visit took, and whether it was done ahead of its scheduled time. */
function doneNote(t: z.output<typeof ticketsQuery.record>): string {
  const notes = [t.time_on_site, t.closed_at && new Date(t.closed_at) < new Date(t.scheduled_start) ? 'completed early' : null].filter(
    Boolean,
  )
  return notes.length ? ` (${notes.join(', ')})` : ''
}

/** Work not billed yet, per reason: how many, and the oldest few with their age. */
function unbilledLine(page: UnbilledPage): string | null {
  const parts: string[] = []
  for (const [reason, label] of [
    ['not_closed', 'past, never closed'],
    ['not_invoiced', 'completed, never invoiced'],
    ['invoice_not_sent', 'completed, invoice still a draft'],
  ] as const) {
    const these = page.items.filter((i) => i.reason === reason)
    if (!these.length) continue
    const shown = these
      .slice(0, MAX_UNBILLED)
      .map(
        (i) =>
          `#${i.number} ${i.contact_name}${reason === 'not_closed' ? '' : ` ${formatMoney(i.totals.total_cents, i.totals.currency)}`} ${i.age_days}d`,
      )
    const count = `${these.length}${page.next_cursor ? '+' : ''}`
    parts.push(`${count} ${label} (${shown.join(', ')}${these.length > MAX_UNBILLED ? ', …' : ''})`)
  }
  return parts.length ? `Unbilled work: ${parts.join('; ')} (crm_query type=unbilled_work)` : null
}

/** A few facts per contact as "key value" text, read in one go for the whole day (a page per 100 facts). */
async function attributesOf(caller: Caller, contactIds: string[]): Promise<Map<string, string>> {
  const byContact = new Map<string, string[]>()
  for (let i = 0; i < contactIds.length; i += 100) {
    const facts = await callQueryAll(caller, attributesQuery, { params: { contact_ids: contactIds.slice(i, i + 100).join(',') } })
    for (const a of facts) {
      // A structured record (an imported profile, say) is not a fact to read at a glance on the route.
      if (a.value !== null && typeof a.value === 'object' && !Array.isArray(a.value)) continue
      const list = byContact.get(a.contact_id) ?? []
      if (list.length < MAX_ATTRIBUTES) byContact.set(a.contact_id, [...list, `${a.key.replace(/_/g, ' ')} ${valueText(a.value)}`])
    }
  }
  return new Map([...byContact].map(([id, list]) => [id, list.join(', ')]))
}

function valueText(v: unknown): string {
  return Array.isArray(v) ? v.join('/') : String(v)
}

function short(text: string): string {
  return shortText(text, MAX_NOTE)
}

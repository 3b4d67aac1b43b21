import { z } from 'zod'
import { listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { lineItemsOf, techniciansOf, TICKET_TOTALS } from './model.js'
import { actualTime } from './time-on-site.js'
import { timestamp } from '../../kernel/output-types.js'
import { TICKET_STATUSES } from '../../vocabulary/ticket-states.js'
import { ticketTotals } from '../../vocabulary/ticket-totals.js'

/** Why a visit is listed as work not yet billed. */
export const UNBILLED_REASONS = ['not_closed', 'not_invoiced', 'invoice_not_sent'] as const

const DAY_MS = 86_400_000

/** Past visits never closed, and completed visits never billed: the work that would otherwise go unbilled without anyone noticing. */
export const unbilledWorkQuery = defineQuery({
  type: 'unbilled_work',
  phrases: [
    'jobs not billed yet',
    'work we have not invoiced',
    'unbilled',
    'not invoiced',
    'not closed',
    'open tickets',
    'missed billing',
    'attention',
  ],
  description:
    "Work that is not billed yet, oldest first. reason: not_closed (the visit's scheduled end has passed but it is still " +
    'scheduled, confirmed or in progress: close it, or cancel / mark it a no-show), not_invoiced (completed, no invoice or only void ones), ' +
    'invoice_not_sent (completed, its invoice is still a draft). Completed visits worth nothing, those whose close-out recorded ' +
    'a payment skip with its reason (paid already, handled separately), and past visits imported from the system the business moved ' +
    'from (paid_elsewhere: billed and paid there) are not listed. Each: id (the ticket), number, contact_id, ' +
    'contact_name, status, scheduled_start, scheduled_end, closed_at, reason, since (scheduled end, or close time when completed), ' +
    'age_days (whole days since then), totals, actual_minutes, time_on_site, technicians [{user_id, name}], invoice_id and ' +
    "invoice_number (a draft). Filters: reason, technician_id, contact_id. Read by a ticket's id: NOT_FOUND when that visit is not unbilled.",
  // Billing is the office's concern; a technician sees their visits through tickets. Not an entity of its own: reading a
  // ticket by id here answers whether it is unbilled, so a billed ticket is NOT_FOUND.
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    reason: z.enum(UNBILLED_REASONS).optional(),
    technician_id: z.uuid().optional(),
    contact_id: z.uuid().optional(),
  }),
  record: z.object({
    id: z.uuid(),
    number: z.number().int(),
    contact_id: z.uuid(),
    contact_name: z.string(),
    status: z.enum(TICKET_STATUSES),
    scheduled_start: timestamp,
    scheduled_end: timestamp,
    closed_at: timestamp.nullable(),
    reason: z.enum(UNBILLED_REASONS),
    since: timestamp,
    actual_minutes: z.number().int().nullable(),
    invoice_id: z.uuid().nullable(),
    invoice_number: z.string().nullable(),
    age_days: z.number().int(),
    totals: TICKET_TOTALS,
    time_on_site: z.string().nullable(),
    technicians: z.array(z.object({ user_id: z.uuid(), name: z.string() })),
  }),
  async run(ctx, req) {
    const p = req.params
    const settings = await loadTenantSettings(ctx.db)
    const now = ctx.services.now()
    const args: unknown[] = [req.id ?? null, now, p.reason ?? null, p.technician_id ?? null, p.contact_id ?? null]
    const page = await listPage(ctx.db, req, { keys: ['t.scheduled_end', 't.id'], types: ['timestamptz', 'uuid'] }, args, {
      columns: `t.id, t.number, t.contact_id, c.display_name as contact_name, t.status, t.scheduled_start, t.scheduled_end, t.closed_at,
                w.reason, w.since, t.duration_minutes as actual_minutes, inv.id as invoice_id, inv.number as invoice_number`,
      from: `tickets t
       join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
       left join lateral (select i.id, i.number, i.status from invoices i where i.ticket_id = t.id and i.status <> 'void'
                          order by i.status = 'draft', i.created_at desc limit 1) inv on true
       cross join lateral (select case when t.status <> 'completed' then 'not_closed'
                                       when inv.id is null then 'not_invoiced' else 'invoice_not_sent' end as reason,
                                  case when t.status = 'completed' then t.closed_at else t.scheduled_end end as since) w`,
      where: `($1::uuid is null or t.id = $1)
         and ((t.status in ('scheduled', 'confirmed', 'in_progress') and t.scheduled_end <= $2)
           or (t.status = 'completed' and t.paid_elsewhere is null and (inv.id is null or inv.status = 'draft')
               and not exists (select 1 from closeouts co where co.ticket_id = t.id and co.payment_choice = 'skip')
               and coalesce((select sum(li.price_cents) from ticket_line_items li where li.ticket_id = t.id), 0) > 0))
         and ($3::text is null or w.reason = $3)
         and ($4::uuid is null or exists (select 1 from ticket_technicians tt where tt.ticket_id = t.id and tt.user_id = $4))
         and ($5::uuid is null or t.contact_id = $5)`,
    })
    const ids = page.items.map((t) => String(t.id))
    const lines = await lineItemsOf(ctx.db, ids)
    const techs = await techniciansOf(ctx.db, ids)
    for (const item of page.items) {
      const id = String(item.id)
      item.age_days = Math.max(0, Math.floor((now.getTime() - new Date(item.since as Date).getTime()) / DAY_MS))
      item.totals = ticketTotals(lines.get(id) ?? [], settings)
      Object.assign(item, actualTime(item.actual_minutes as number | null))
      item.technicians = (techs.get(id) ?? []).map((t) => ({ user_id: t.user_id, name: t.name }))
    }
    return page
  },
})

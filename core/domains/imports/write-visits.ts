import { randomUUID } from 'node:crypto'
import { writeAuditMany } from '../../kernel/audit.js'
import type { AuditEntry, OperationContext } from '../../kernel/context.js'
import { reserveCounterValues } from '../../kernel/counters.js'
import { zonedInstant } from '../../vocabulary/time.js'
import { refreshContactLifecycles } from '../contacts/lifecycle.js'
import { loadTenantSettings } from '../settings/model.js'
import { LINE_ITEM_COLUMNS, TICKET_COLUMNS } from '../tickets/model.js'
import type { PlannedSale, SaleCandidate } from './square-sales.js'
import type { ImportedRow, UnitWriter } from './write-in-chunks.js'
import { planForCurrentSizes, SOURCE } from './write-customers.js'

/** What happened to one row of the sales export: the visit (ticket) its transaction is. */
export interface SaleRow extends ImportedRow {
  transaction_id?: string
  ticket_id?: string
  contact_id?: string
}

/** How long a visit is taken to have lasted when none of its services says. */
const DEFAULT_VISIT_MINUTES = 60

/**
 * A writer of past visits: each transaction becomes a completed (closed) ticket of its customer, found by the Square
 * Customer ID imported with the customers, with a line a row, linked to the service of the same token or name, and
 * marked paid in Square (paid_elsewhere). The tickets, their lines and their closing are written with one statement each per chunk.
 */
export async function visitWriter(ctx: OperationContext): Promise<UnitWriter<PlannedSale, SaleRow>> {
  const customers = await mapOf(ctx, 'select external_id as key, contact_id as value from contact_external_ids where source = $1', [SOURCE])
  const tokens = await mapOf(ctx, 'select external_id as key, service_id as value from service_external_ids where source = $1', [SOURCE])
  const services = await ctx.db.query<{ id: string; name: string; minutes: number | null }>(
    `select id, lower(name) as name, default_duration_minutes as minutes from services where archived_at is null`,
  )
  const byName = new Map(services.rows.map((s) => [s.name, String(s.id)]))
  const minutes = new Map(services.rows.map((s) => [String(s.id), s.minutes]))
  const imported = await mapOf(ctx, 'select external_id as key, ticket_id as value from ticket_external_ids where source = $1', [SOURCE])
  const { timezone } = await loadTenantSettings(ctx.db)
  const now = ctx.services.now()
  const serviceOf = (item: SaleCandidate['items'][number]) =>
    (item.token ? tokens.get(item.token) : undefined) ?? byName.get(item.serviceName.toLowerCase()) ?? null

  return {
    snapshot() {
      const before = new Map(imported)
      return () => {
        imported.clear()
        for (const [k, v] of before) imported.set(k, v)
      }
    },
    refuse: (sale, reason) => sale.lines.map((line) => ({ line, name: sale.name, outcome: 'refused', reason })),
    async writeMany(tx, sales) {
      const rows: SaleRow[] = []
      const visits: Array<{ sale: PlannedSale; c: SaleCandidate; contactId: string; start: Date; ticketId: string }> = []
      for (const sale of sales) {
        const each = (outcome: Omit<SaleRow, 'line' | 'name'>) =>
          rows.push(...sale.lines.map((line) => ({ line, name: sale.name, ...outcome })))
        if ('refused' in sale) {
          each({ outcome: 'refused', reason: sale.refused })
          continue
        }
        const c = sale.candidate
        const warnings = c.warnings.length ? { warnings: c.warnings } : {}
        const done = imported.get(c.transactionId)
        if (done) {
          each({ outcome: 'matched', transaction_id: c.transactionId, ticket_id: done, ...warnings })
          continue
        }
        const contactId = customers.get(c.customerId)
        if (!contactId) {
          each({
            outcome: 'refused',
            transaction_id: c.transactionId,
            reason: `Customer ID ${c.customerId} is no customer imported from Square: import Square's customer export first`,
          })
          continue
        }
        const start = zonedInstant(c.date, c.time, c.timeZone ?? timezone)
        if (start.getTime() >= now.getTime()) {
          each({
            outcome: 'refused',
            transaction_id: c.transactionId,
            reason: `${c.date} ${c.time} is not in the past: only past visits are imported`,
          })
          continue
        }
        const ticketId = randomUUID()
        imported.set(c.transactionId, ticketId)
        visits.push({ sale, c, contactId, start, ticketId })
        each({ outcome: 'created', transaction_id: c.transactionId, ticket_id: ticketId, contact_id: contactId, ...warnings })
      }
      if (visits.length) await insertVisits(tx, visits, serviceOf, minutes)
      return rows.sort((a, b) => a.line - b.line)
    },
  }
}

/** The tickets open, their lines, then the tickets closed (a closed ticket takes no new line), with one statement each. */
async function insertVisits(
  ctx: OperationContext,
  visits: Array<{ c: SaleCandidate; contactId: string; start: Date; ticketId: string }>,
  serviceOf: (item: SaleCandidate['items'][number]) => string | null,
  minutes: Map<string, number | null>,
): Promise<void> {
  await planForCurrentSizes(ctx)
  const first = await reserveCounterValues(ctx.db, ctx.tenantId, 'ticket', visits.length)
  const lines = visits.flatMap((v) =>
    v.c.items.map((item, position) => {
      const serviceId = serviceOf(item)
      return {
        ticket_id: v.ticketId,
        service_id: serviceId,
        description: item.description,
        quantity: item.quantity,
        unit_price_cents: item.unit_price_cents,
        taxable: item.taxable,
        position,
        minutes: serviceId && minutes.get(serviceId) ? (minutes.get(serviceId) as number) * item.quantity : null,
      }
    }),
  )
  const length = new Map<string, number>()
  for (const l of lines) if (l.minutes) length.set(l.ticket_id, (length.get(l.ticket_id) ?? 0) + l.minutes)
  const tickets = visits.map((v, i) => ({
    id: v.ticketId,
    number: first + i,
    contact_id: v.contactId,
    scheduled_start: v.start.toISOString(),
    scheduled_end: new Date(v.start.getTime() + (length.get(v.ticketId) ?? DEFAULT_VISIT_MINUTES) * 60_000).toISOString(),
    notes: v.c.notes,
  }))
  // Paid in Square: never unbilled work, never invoiced here.
  await ctx.db.query(
    `insert into tickets (tenant_id, id, number, contact_id, address_id, scheduled_start, scheduled_end, notes, paid_elsewhere)
    select $1, x.id, x.number, x.contact_id,
      (select a.id from addresses a where a.contact_id = x.contact_id and a.archived_at is null order by a.created_at, a.id limit 1),
      x.scheduled_start, x.scheduled_end, x.notes, $3
    from jsonb_to_recordset($2::jsonb) as x(id uuid, number int, contact_id uuid, scheduled_start timestamptz, scheduled_end timestamptz, notes text)`,
    [ctx.tenantId, JSON.stringify(tickets), SOURCE],
  )
  const items = await ctx.db.query(
    `insert into ticket_line_items (tenant_id, ticket_id, service_id, description, quantity, unit_price_cents, taxable, position)
    select $1, x.ticket_id, x.service_id, x.description, x.quantity, x.unit_price_cents, x.taxable, x.position
    from jsonb_to_recordset($2::jsonb) as x(ticket_id uuid, service_id uuid, description text, quantity int, unit_price_cents int, taxable boolean, position int)
    returning ${LINE_ITEM_COLUMNS}`,
    [ctx.tenantId, JSON.stringify(lines)],
  )
  // A visit is closed when it was paid for: the moment of the transaction.
  const closed = await ctx.db.query(
    `update tickets set status = 'completed', closed_at = scheduled_start where id = any($1::uuid[])
    returning ${TICKET_COLUMNS}`,
    [visits.map((v) => v.ticketId)],
  )
  await ctx.db.query(
    `insert into ticket_external_ids (tenant_id, source, external_id, ticket_id)
    select $1, $2, x.external_id, x.ticket_id from jsonb_to_recordset($3::jsonb) as x(external_id text, ticket_id uuid)`,
    [ctx.tenantId, SOURCE, JSON.stringify(visits.map((v) => ({ external_id: v.c.transactionId, ticket_id: v.ticketId })))],
  )
  const audit: AuditEntry[] = [
    ...closed.rows.map((after) => ({ entityType: 'ticket', entityId: String(after.id), action: 'create', before: null, after })),
    ...items.rows.map((after) => ({ entityType: 'ticket_line_item', entityId: String(after.id), action: 'create', before: null, after })),
  ]
  await writeAuditMany(ctx.db, ctx, audit)
  await refreshContactLifecycles(
    ctx,
    visits.map((v) => v.contactId),
  )
}

/** A two-column query (key, value) as a map. */
async function mapOf(ctx: OperationContext, sql: string, params: unknown[]): Promise<Map<string, string>> {
  const r = await ctx.db.query<{ key: string; value: string }>(sql, params)
  return new Map(r.rows.map((row) => [row.key, String(row.value)]))
}

import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { validationError } from '../../kernel/errors.js'
import type { Service } from '../services/model.js'
import { serviceNamed, serviceNameInput } from '../services/service-names.js'
import { linePriceCents } from '../../vocabulary/money.js'
import { LINE_ITEM_COLUMNS, type LineItemRow } from './model.js'
import { lineItemInput, loadServices, priceLine, unitPriceFor, type PricedLine } from './pricing.js'

/** One line of the work as confirmed at close-out: an existing line of the ticket (line_item_id) or a new one. */
export const closeLineInput = lineItemInput.extend({
  line_item_id: z.uuid().optional().describe('A line already on the ticket; leave out for a new line'),
})

/** A close-out line as callers give it. */
export type CloseLineInput = z.output<typeof closeLineInput>

/** A line of the work as ticket.close takes it: also a service by name. */
export const closeCallLineInput = closeLineInput.extend({
  service: serviceNameInput.optional().describe('A catalog service by name, instead of service_id'),
})

/** A ticket.close line as callers give it. */
export type CloseCallLineInput = z.output<typeof closeCallLineInput>

/**
 * The lines of a ticket.close call as the close-out confirms them: a service named is the catalog's, and a line of a
 * service the ticket has booked, given without line_item_id, is that booked line (its agreed price stays unless the call
 * gives one), each booked line taken once, in the order booked. Other lines are new.
 */
export async function linesOfCall(tx: Queryable, ticketId: string, lines: CloseCallLineInput[], field: string): Promise<CloseLineInput[]> {
  const booked = await tx.query<{ id: string; service_id: string | null }>(
    'select id, service_id from ticket_line_items where ticket_id = $1 order by position, created_at, id',
    [ticketId],
  )
  const taken = new Set(lines.flatMap((l) => (l.line_item_id ? [l.line_item_id] : [])))
  const out: CloseLineInput[] = []
  for (const [i, { service, ...line }] of lines.entries()) {
    if (service !== undefined && line.service_id !== undefined) {
      throw validationError([{ field: `${field}.${i}.service`, message: 'give service (a name) or service_id, not both' }])
    }
    const serviceId = service === undefined ? line.service_id : await serviceNamed(tx, service, `${field}.${i}.service`)
    const same = line.line_item_id || !serviceId ? undefined : booked.rows.find((b) => b.service_id === serviceId && !taken.has(b.id))
    if (same) taken.add(same.id)
    out.push(same ? { ...line, line_item_id: same.id, service_id: undefined } : { ...line, service_id: serviceId })
  }
  return out
}

/** The ticket's lines as booked, in order, as a close keeps them unchanged. */
export async function bookedLines(tx: Queryable, ticketId: string): Promise<CloseLineInput[]> {
  const r = await tx.query<{ id: string }>('select id from ticket_line_items where ticket_id = $1 order by position, created_at, id', [
    ticketId,
  ])
  return r.rows.map((l) => ({ line_item_id: l.id }))
}

/** A confirmed line, priced, with what the technician may still change about it. */
export interface ConfirmedLine extends PricedLine {
  line_item_id: string | null
  /** The catalog service's name and pricing rule, for showing the line. */
  service_name: string | null
  pricing: Service['pricing'] | null
  /** Whether the unit price is the technician's to set (flexible services and lines without a service). */
  price_editable: boolean
  price_cents: number
}

/**
 * Prices the lines of the work as confirmed: existing lines keep their service and, unless their price is editable,
 * their unit price; new lines are priced like ticket.add_line_item. Each line id may appear once and must be the ticket's.
 */
export async function confirmLines(tx: Queryable, ticketId: string, lines: CloseLineInput[], field: string): Promise<ConfirmedLine[]> {
  const existing = await tx.query<LineItemRow>(`select ${LINE_ITEM_COLUMNS} from ticket_line_items where ticket_id = $1`, [ticketId])
  const byId = new Map(existing.rows.map((l) => [l.id, l]))
  const seen = new Set<string>()
  const refs = lines.flatMap((l, i) => {
    const serviceId = l.line_item_id ? byId.get(l.line_item_id)?.service_id : l.service_id
    return serviceId ? [{ id: serviceId, field: `${field}.${i}.service_id` }] : []
  })
  const services = await loadServices(tx, refs)
  return lines.map((line, i) => {
    const at = `${field}.${i}`
    if (!line.line_item_id)
      return confirmed(priceLine(line, line.service_id ? services.get(line.service_id) : undefined, at), null, services, at)
    const old = byId.get(line.line_item_id)
    if (!old) throw validationError([{ field: `${at}.line_item_id`, message: `is not a line of this ticket (${line.line_item_id})` }])
    if (seen.has(old.id)) throw validationError([{ field: `${at}.line_item_id`, message: 'is listed twice' }])
    seen.add(old.id)
    if (line.service_id && line.service_id !== old.service_id) {
      throw validationError([{ field: `${at}.service_id`, message: 'cannot change on an existing line: remove it and add a new line' }])
    }
    const service = old.service_id ? services.get(old.service_id) : undefined
    const unit =
      line.unit_price_cents === undefined || line.unit_price_cents === old.unit_price_cents
        ? old.unit_price_cents
        : service
          ? unitPriceFor(service, line.unit_price_cents, `${at}.unit_price_cents`)
          : line.unit_price_cents
    return confirmed(
      {
        service_id: old.service_id,
        description: line.description ?? old.description,
        quantity: line.quantity ?? old.quantity,
        unit_price_cents: unit,
        duration_minutes: line.duration_minutes ?? old.duration_minutes,
        taxable: line.taxable ?? old.taxable,
      },
      old.id,
      services,
      at,
    )
  })
}

function confirmed(line: PricedLine, id: string | null, services: Map<string, Service>, field: string): ConfirmedLine {
  const service = line.service_id ? services.get(line.service_id) : undefined
  return {
    ...line,
    line_item_id: id,
    service_name: service?.name ?? null,
    pricing: service?.pricing ?? null,
    price_editable: !service || service.pricing === 'flexible',
    price_cents: linePriceCents(line.quantity, line.unit_price_cents, field),
  }
}

/** Makes the ticket's line items exactly the confirmed lines: removed lines deleted, kept lines updated, new lines added. */
export async function writeConfirmedLines(tx: Queryable, tenantId: string, ticketId: string, lines: ConfirmedLine[]): Promise<void> {
  const kept = lines.flatMap((l) => (l.line_item_id ? [l.line_item_id] : []))
  await tx.query('delete from ticket_line_items where ticket_id = $1 and not (id = any($2::uuid[]))', [ticketId, kept])
  await tx.query(
    `insert into ticket_line_items (tenant_id, id, ticket_id, service_id, description, quantity, unit_price_cents, duration_minutes, taxable, position)
     select $1, coalesce(l.line_item_id, gen_random_uuid()), $2, l.service_id, l.description, l.quantity, l.unit_price_cents,
            l.duration_minutes, l.taxable, l.ord
     from jsonb_to_recordset($3::jsonb) as l(line_item_id uuid, service_id uuid, description text, quantity int, unit_price_cents int,
       duration_minutes int, taxable boolean, ord int)
     on conflict (tenant_id, id) do update set description = excluded.description, quantity = excluded.quantity,
       unit_price_cents = excluded.unit_price_cents, duration_minutes = excluded.duration_minutes, taxable = excluded.taxable,
       position = excluded.position`,
    [tenantId, ticketId, JSON.stringify(lines.map((l, i) => ({ ...l, ord: i })))],
  )
}

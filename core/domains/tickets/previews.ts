import { changesOf, formatInstant, type CallPreview, type FactDeclaration } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { confirmLines } from './close-lines.js'
import type { CloseTicketInput } from './close-input.js'
import { instantOf, ticketDetail, type LineItemRow } from './model.js'
import { ticketTotals } from '../../vocabulary/ticket-totals.js'
import { waysToPay } from '../settings/ways-to-pay.js'

/** The facts a cancellation offers standing rules. */
export const CANCEL_FACTS: Record<string, FactDeclaration> = {
  hours_notice: { label: 'the hours until the appointment', unit: 'hours' },
  amount_cents: { label: 'the appointment total', unit: 'money' },
}

/** The facts a close offers standing rules. */
export const CLOSE_FACTS: Record<string, FactDeclaration> = {
  amount_cents: { label: 'the total of the work', unit: 'money' },
}

async function ticketOf(ctx: OperationContext, ticketId: string) {
  const settings = await loadTenantSettings(ctx.db)
  const t = (await ticketDetail(ctx.db, ticketId, settings)) as Record<string, any>
  return { settings, t, customer: { id: String(t.contact_id), name: String(t.contact_name) } }
}

function linesOf(items: ReadonlyArray<Pick<LineItemRow, 'description' | 'quantity' | 'price_cents'>>): NonNullable<CallPreview['lines']> {
  return items.map((l) => ({ description: String(l.description), quantity: Number(l.quantity), amount_cents: Number(l.price_cents) }))
}

function units(settings: TenantSettings) {
  return { currency: settings.currency, timezone: settings.timezone }
}

/** What closing a ticket records: the work as done with its total, and what comes next. */
export async function previewClose(
  ctx: OperationContext,
  input: CloseTicketInput,
  opts: { sendInvoice?: boolean } = {},
): Promise<CallPreview> {
  const { settings, t, customer } = await ticketOf(ctx, input.ticket_id)
  const lines = await confirmLines(ctx.db, input.ticket_id, input.line_items, 'data.line_items')
  const total = ticketTotals(
    lines.map((l) => ({ price_cents: l.price_cents, taxable: l.taxable, duration_minutes: l.duration_minutes })),
    settings,
  ).total_cents
  const when = [{ label: 'Appointment', at: new Date(t.scheduled_start).toISOString() }]
  const next = input.next_service
  if (next.kind === 'schedule')
    when.push({ label: 'Next visit booked for', at: instantOf(next.scheduled_start, settings.timezone).toISOString() })
  const warnings = [
    `Time on site: ${input.duration_minutes} minutes.`,
    next.kind === 'reach_out'
      ? `The customer is emailed in ${next.months} months.`
      : next.kind === 'none'
        ? 'No follow-up.'
        : next.kind === 'keep_series'
          ? 'The recurring series goes on; its next visit is already booked.'
          : 'The next visit is booked now.',
    ...(opts.sendInvoice
      ? [
          waysToPay(ctx.services, settings).online || waysToPay(ctx.services, settings).instructions
            ? 'Its invoice is made and emailed to the customer.'
            : 'Its invoice is made as a draft and not emailed: no way to pay is set yet (payment instructions or online payments).',
        ]
      : []),
    ...(new Date(t.scheduled_start) > ctx.services.now()
      ? [`Booked for ${formatInstant(t.scheduled_start, settings.timezone)}, which has not come yet.`]
      : []),
    'A completed ticket can never be changed again.',
  ]
  return {
    summary: `Complete ticket #${t.number} for ${customer.name} (${formatInstant(t.scheduled_start, settings.timezone)})`,
    customer,
    lines: lines.map((l) => ({ description: l.service_name ?? l.description, quantity: l.quantity, amount_cents: l.price_cents })),
    total: { label: 'Total with tax', amount_cents: total },
    when,
    warnings,
    facts: { amount_cents: total },
    ...units(settings),
  }
}

/** What cancelling a ticket calls off: whose visit, when, and how much notice that leaves. */
export async function previewCancel(ctx: OperationContext, input: { ticket_id: string; reason: string }): Promise<CallPreview> {
  const { settings, t, customer } = await ticketOf(ctx, input.ticket_id)
  const hours = Math.floor((new Date(t.scheduled_start).getTime() - ctx.services.now().getTime()) / 3_600_000)
  return {
    summary: `Cancel ticket #${t.number} for ${customer.name} on ${formatInstant(t.scheduled_start, settings.timezone)}`,
    customer,
    lines: linesOf(t.line_items),
    total: { label: 'Appointment total', amount_cents: Number(t.totals.total_cents) },
    when: [{ label: 'Appointment', at: new Date(t.scheduled_start).toISOString() }],
    warnings: [
      `Notice: ${hours} hours${hours >= 48 ? ` (${Math.floor(hours / 24)} days)` : ''} before the appointment.`,
      `Reason: ${input.reason}`,
    ],
    facts: { hours_notice: hours, amount_cents: Number(t.totals.total_cents) },
    ...units(settings),
  }
}

/** What updating a ticket changes: each given field as it is and as it will be. */
export async function previewUpdate(ctx: OperationContext, input: { ticket_id: string } & Record<string, unknown>): Promise<CallPreview> {
  const { settings, t, customer } = await ticketOf(ctx, input.ticket_id)
  const { ticket_id: _id, ...fields } = input
  const changes = changesOf(t, fields)
  return {
    summary: `Change ${changes.map((c) => c.field.replace(/_/g, ' ')).join(', ') || 'nothing'} on ticket #${t.number} for ${customer.name}`,
    customer,
    when: [{ label: 'Appointment', at: new Date(t.scheduled_start).toISOString() }],
    changes,
    ...units(settings),
  }
}

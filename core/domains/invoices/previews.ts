import { formatMoney, type CallPreview, type FactDeclaration } from '../../call-preview.js'
import type { OperationContext } from '../../context.js'
import { loadTenantSettings } from '../settings/model.js'
import { loadInvoice, todayOf } from './model.js'

/** The facts a void offers standing rules. */
export const VOID_FACTS: Record<string, FactDeclaration> = {
  amount_cents: { label: 'the invoice total', unit: 'money' },
  amount_paid_cents: { label: 'the money already paid on it', unit: 'money' },
}

/** What voiding an invoice changes: its customer, lines, total and the money already paid on it. */
export async function previewVoid(ctx: OperationContext, input: { invoice_id: string; reason?: string }): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const invoice = await loadInvoice(ctx.db, input.invoice_id, todayOf(ctx, settings)) as Record<string, any>
  const customer = await ctx.db.query<{ display_name: string }>('select display_name from contacts where id = $1', [invoice.contact_id])
  const name = customer.rows[0]?.display_name ?? 'unknown customer'
  const currency = String(invoice.currency ?? settings.currency)
  const total = Number(invoice.total_cents)
  const paid = Number(invoice.amount_paid_cents)
  const warnings = []
  if (paid > 0) warnings.push(`${formatMoney(paid, currency)} has already been paid on it; voiding does not refund it.`)
  if (invoice.status === 'void') warnings.push('It is already void: nothing will change.')
  if (input.reason ?? ctx.reasoning) warnings.push(`Reason kept on the invoice: ${input.reason ?? ctx.reasoning}`)
  return {
    summary: `Void invoice ${invoice.number} for ${name} (${formatMoney(total, currency)}): nothing will be due on it any more`,
    customer: { id: String(invoice.contact_id), name },
    lines: (invoice.line_items as Array<Record<string, any>>).map((l) => ({ description: String(l.description), quantity: Number(l.quantity), amount_cents: Number(l.price_cents) })),
    total: { label: 'Invoice total', amount_cents: total },
    warnings,
    facts: { amount_cents: total, amount_paid_cents: paid },
    currency,
    timezone: settings.timezone,
  }
}

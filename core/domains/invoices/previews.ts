import type { CallPreview, FactDeclaration } from '../../kernel/call-preview.js'
import { formatMoney } from '../../vocabulary/money.js'
import type { OperationContext } from '../../kernel/context.js'
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
  const invoice = (await loadInvoice(ctx.db, input.invoice_id, todayOf(ctx, settings))) as Record<string, any>
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
    lines: (invoice.line_items as Array<Record<string, any>>).map((l) => ({
      description: String(l.description),
      quantity: Number(l.quantity),
      amount_cents: Number(l.price_cents),
    })),
    total: { label: 'Invoice total', amount_cents: total },
    warnings,
    facts: { amount_cents: total, amount_paid_cents: paid },
    currency,
    timezone: settings.timezone,
  }
}

/** The facts a recorded payment offers standing rules. */
export const PAYMENT_FACTS: Record<string, FactDeclaration> = {
  amount_cents: { label: 'the payment', unit: 'money' },
}

/** What recording a payment does: whose invoice, how much, and what is left due. */
export async function previewPayment(
  ctx: OperationContext,
  input: { invoice_id: string; amount_cents: number; method: string; received_at?: string },
): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const invoice = (await loadInvoice(ctx.db, input.invoice_id, todayOf(ctx, settings))) as Record<string, any>
  const customer = await ctx.db.query<{ display_name: string }>('select display_name from contacts where id = $1', [invoice.contact_id])
  const name = customer.rows[0]?.display_name ?? 'unknown customer'
  const currency = String(invoice.currency ?? settings.currency)
  const due = Number(invoice.amount_due_cents)
  return {
    summary: `Record a ${input.method} payment of ${formatMoney(input.amount_cents, currency)} from ${name} on invoice ${invoice.number}`,
    customer: { id: String(invoice.contact_id), name },
    total: { label: 'Payment', amount_cents: input.amount_cents },
    when: [{ label: 'Received', at: input.received_at ?? ctx.services.now().toISOString() }],
    warnings: [`Due now: ${formatMoney(due, currency)}; due after: ${formatMoney(Math.max(due - input.amount_cents, 0), currency)}.`],
    facts: { amount_cents: input.amount_cents },
    currency,
    timezone: settings.timezone,
  }
}

import { paymentsOf } from '../../clients/payments.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { localDate } from '../../vocabulary/time.js'
import { type BusinessCard, loadBusinessCard } from '../settings/business-card.js'
import { overdueSql } from './model.js'
import { PAY_LINK, payLinkScope, type PayLink } from './pay-links.js'

/** An invoice line as the customer reads it, with its tax and the rate it was taxed at. */
export interface CustomerInvoiceLine {
  description: string
  quantity: number
  unit_price_cents: number
  price_cents: number
  tax_cents: number
  tax_rate_bp: number
}

/** A payment received, as the customer reads it: when (YYYY-MM-DD, the business's day), how much, how (never its reference). */
export interface CustomerPayment {
  received_on: string
  amount_cents: number
  method: string
}

/** An invoice as its customer's page and PDF show it. */
export interface CustomerInvoice {
  business: BusinessCard
  customerName: string
  number: string
  status: string
  isOverdue: boolean
  /** YYYY-MM-DD. */
  issuedOn: string
  /** YYYY-MM-DD. */
  dueOn: string
  currency: string
  /** Words someone wrote on the invoice: shown as the business's note, never as a way to pay. */
  notes: string | null
  lines: CustomerInvoiceLine[]
  subtotalCents: number
  taxCents: number
  totalCents: number
  paidCents: number
  dueCents: number
  payments: CustomerPayment[]
  /** The business's payment instructions, from its settings. */
  paymentInstructions: string
  /** This server takes card payments: the page offers Pay while something is due. */
  payOnline: boolean
}

/** The invoice a pay link names, as its customer sees it; the link's last opening noted when asked. */
export async function loadCustomerInvoice(services: Services, link: PayLink, opts: { opened: boolean }): Promise<CustomerInvoice> {
  return withTenant(services.db, payLinkScope(link), async (tx) => {
    if (opts.opened) await PAY_LINK.recordUse(tx, link.tokenHash, services.now())
    const tz = (await tx.query<{ timezone: string }>('select timezone from tenants where id = app_tenant()')).rows[0].timezone
    const today = localDate(services.now(), tz)
    const i = (
      await tx.query<{
        number: string
        status: string
        is_overdue: boolean
        issued_on: string
        due_on: string
        currency: string
        notes: string | null
        subtotal_cents: number
        tax_cents: number
        total_cents: number
        amount_paid_cents: number
        amount_due_cents: number
        customer_name: string
        payment_instructions: string
      }>(
        `select i.number, i.status, ${overdueSql('$2')} as is_overdue, i.issued_on::text, i.due_on::text, i.currency, i.notes,
          i.subtotal_cents, i.tax_cents, i.total_cents, i.amount_paid_cents,
          case when i.status = 'void' then 0 else i.amount_due_cents end as amount_due_cents,
          c.display_name as customer_name, t.payment_instructions
         from invoices i join contacts c on c.id = i.contact_id join tenants t on t.id = i.tenant_id where i.id = $1`,
        [link.invoiceId, today],
      )
    ).rows[0]
    const lines = await tx.query<CustomerInvoiceLine>(
      `select description, quantity, unit_price_cents, price_cents, tax_cents, tax_rate_bp
       from invoice_line_items where invoice_id = $1 order by position, id`,
      [link.invoiceId],
    )
    const payments = await tx.query<{ received_at: Date; amount_cents: number; method: string }>(
      'select received_at, amount_cents, method from payments where invoice_id = $1 order by received_at, id',
      [link.invoiceId],
    )
    return {
      business: await loadBusinessCard(tx),
      customerName: i.customer_name,
      number: i.number,
      status: i.status,
      isOverdue: i.is_overdue,
      issuedOn: i.issued_on,
      dueOn: i.due_on,
      currency: i.currency,
      notes: i.notes,
      lines: lines.rows,
      subtotalCents: Number(i.subtotal_cents),
      taxCents: Number(i.tax_cents),
      totalCents: Number(i.total_cents),
      paidCents: Number(i.amount_paid_cents),
      dueCents: Number(i.amount_due_cents),
      payments: payments.rows.map((p) => ({
        received_on: localDate(p.received_at, tz),
        amount_cents: Number(p.amount_cents),
        method: p.method,
      })),
      paymentInstructions: i.payment_instructions,
      payOnline: Boolean(paymentsOf(services)),
    }
  })
}

import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { dayWords } from '../../text/date-words.js'
import { formatMoney } from '../../vocabulary/money.js'
import { invoice } from '../../vocabulary/places.js'
import { actionKey, defineAction } from '../../kernel/registry.js'
import { localDate } from '../../vocabulary/time.js'
import { allowAgentAmount } from '../invoices/model.js'
import { loadTenantSettings } from '../settings/model.js'

/** What autopay would charge for an invoice: to whom, how much, on which card and day; null when autopay does not apply. */
interface ChargeInWords {
  customer: string
  number: string
  amount: string
  card: string | null
  on: string
  amountSetBy: string
}

/** The charge an invoice would make by autopay, read for the owner's card; null for an unknown invoice. */
async function chargeOf(ctx: OperationContext, invoiceId: string): Promise<ChargeInWords | null> {
  const r = await ctx.db.query<{
    display_name: string
    number: string
    amount_due_cents: number
    currency: string
    due_on: string
    amount_set_by: string
    card: string | null
  }>(
    `select c.display_name, i.number, i.amount_due_cents, i.currency, i.due_on::text as due_on, i.amount_set_by,
            (select s.brand || ' ending ' || s.last4 from saved_cards s where s.contact_id = i.contact_id and s.replaced_at is null
              and (i.autopay or c.autopay_at is not null)) as card
       from invoices i join contacts c on c.id = i.contact_id where i.id = $1`,
    [invoiceId],
  )
  const row = r.rows[0]
  if (!row) return null
  const today = localDate(ctx.services.now(), (await loadTenantSettings(ctx.db)).timezone)
  return {
    customer: row.display_name,
    number: row.number,
    amount: formatMoney(row.amount_due_cents, row.currency),
    card: row.card,
    on: dayWords(row.due_on > today ? row.due_on : today),
    amountSetBy: row.amount_set_by,
  }
}

/** The owner's card of a charge: who, how much, which card, which day. */
function chargeWords(c: ChargeInWords): string {
  return c.card
    ? `lets autopay charge ${c.customer}'s ${c.card} ${c.amount} for invoice ${c.number}, on ${c.on} (after the customer is emailed the amount, the card and the day)`
    : `lets autopay charge ${c.customer} ${c.amount} for invoice ${c.number} once they pay by autopay (no saved card is set to be charged now)`
}

/** Lets autopay charge an invoice whose amount an agent set alone: the owner's to decide, every time. */
export const allowCharge = defineAction({
  key: 'card.allow_charge',
  example: { invoice_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['let autopay charge this invoice', 'charge the saved card for the invoice the agent made'],
  title: 'Let autopay charge an invoice',
  place: invoice('/payments/failed', 'Allow the charge'),
  words: { phrase: 'let autopay charge an invoice an agent wrote' },
  description:
    'Let autopay charge an open invoice whose amount an agent set (created or changed it) without the owner: until then ' +
    'autopay never charges it, and its customer is not told it will be charged. For agents it waits for the owner every ' +
    'time, on a card naming the customer, the amount, the card and the day. Refused (CONFLICT) for an invoice that is not ' +
    'open or whose amount a person, the owner or a plan set (autopay charges those already).',
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    ownerSees: async (ctx, input) => {
      const c = await chargeOf(ctx, input.invoice_id)
      return c ? chargeWords(c) : 'lets autopay charge a saved card'
    },
  },
  idempotent: true,
  input: z.strictObject({ invoice_id: z.uuid() }),
  output: z.object({
    invoice_id: z.uuid(),
    number: z.string(),
    amount_due_cents: z.number().int(),
    amount_set_by: z.string(),
    charge: z.string().describe('What autopay will now do, in words'),
  }),
  async run(ctx, input) {
    const invoice = await allowAgentAmount(ctx, input.invoice_id)
    const c = (await chargeOf(ctx, input.invoice_id)) as ChargeInWords
    return {
      invoice_id: input.invoice_id,
      number: String(invoice.number),
      amount_due_cents: Number(invoice.amount_due_cents),
      amount_set_by: String(invoice.amount_set_by),
      charge: c.card
        ? `Autopay will charge ${c.customer}'s ${c.card} ${c.amount} on ${c.on}, after emailing them the amount, the card and the day.`
        : `${c.customer} has no saved card set to be charged: autopay will charge ${c.amount} once they do, after emailing them first.`,
    }
  },
})

/**
 * When an agent sends an invoice whose amount it set alone to a customer who pays by autopay, the owner is asked at once
 * whether autopay may charge it (card.allow_charge, queued as that agent's call): until they allow it, it is not charged.
 */
export async function askOwnerToAllowCharge(ctx: OperationContext, sent: { invoice_id: string }): Promise<void> {
  if (ctx.actor.type !== 'agent') return
  const c = await chargeOf(ctx, sent.invoice_id)
  if (c?.amountSetBy !== 'agent' || !c.card) return
  const def = ctx.services.registry.actions.get(actionKey(allowCharge.domain, allowCharge.name))
  if (!def) return
  const reasoning = ctx.reasoning ?? `The agent sent invoice ${c.number}, whose amount it set, to ${c.customer}, who pays by autopay`
  await ctx.services.consent.enqueue({ ...ctx, reasoning }, def, { invoice_id: sent.invoice_id })
}

import { paymentsOf } from '../../clients/payments.js'
import { z } from 'zod'
import { callWithin } from '../../kernel/call-within.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { customer, page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { localDate } from '../../vocabulary/time.js'
import { scheduleMessage } from '../messages/actions.js'
import { EMAIL_DELIVERY, emailDelivery } from '../messages/email-delivery.js'
import { loadTenantSettings } from '../settings/model.js'
import { currentCard, SAVED_CARD, type SavedCard } from './saved-cards.js'

/** The words of a card request when the caller gives none. */
const ASK = 'Please save a card for your payments to us. It is kept by our payment processor, Stripe; we never see its number.'

/** Emails a customer a link to save a card on Stripe's page (a new one, or one to replace a card that was declined). */
export const requestCard = defineAction({
  key: 'card.request',
  example: { contact_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['ask the customer to update their card', 'send a link to save a card'],
  title: 'Ask for a card',
  place: customer('Ask for a card'),
  words: { phrase: 'email customers a link to save a card' },
  description:
    "Email a customer a link to save a card on Stripe's page (Checkout in setup mode: no card number reaches us). The card " +
    'replaces the one they had; a declined invoice is then tried again at once. invoice_id: the invoice it is for; note: ' +
    'your words above the link. Needs online payments on.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['note'] } },
  input: z.strictObject({
    contact_id: z.uuid(),
    invoice_id: z.uuid().optional(),
    note: noteText(2000).optional().describe('Your words above the link; default: a short request'),
  }),
  output: z.object({ message_id: z.uuid(), send_at: z.string(), delivery: EMAIL_DELIVERY }),
  async run(ctx, input) {
    if (!(await ctx.db.query('select 1 from contacts where id = $1', [input.contact_id])).rows[0])
      throw notFound('contact', input.contact_id)
    if (input.invoice_id && !(await ctx.db.query('select 1 from invoices where id = $1', [input.invoice_id])).rows[0])
      throw notFound('invoice', input.invoice_id)
    if (!paymentsOf(ctx.services))
      throw new AppError('CONFLICT', 'Saving a card needs online payments: set STRIPE_SECRET_KEY first', { field: 'data.contact_id' })
    const message = (await callWithin(ctx, scheduleMessage, {
      contact_id: input.contact_id,
      kind: 'card_request',
      ...(input.invoice_id ? { invoice_id: input.invoice_id } : {}),
      body: input.note ?? ASK,
    })) as unknown as { id: string; send_at: Date | string }
    return { message_id: message.id, send_at: new Date(message.send_at).toISOString(), ...emailDelivery(ctx.services) }
  },
})

/** A customer's card and autopay as the card actions return them. */
const CARD_STATE = z.object({
  contact_id: z.uuid(),
  autopay: z.boolean(),
  card: SAVED_CARD.nullable(),
})

/** A saved card without what charging it needs (Stripe's ids stay inside). */
function cardView({
  stripe_customer_id: _c,
  payment_method_id: _p,
  ...card
}: SavedCard & { stripe_customer_id: string; payment_method_id: string }): SavedCard {
  return card
}

/** Turns on or off charging every invoice of a customer to their saved card on its due date. */
export const setAutopay = defineAction({
  key: 'card.set_autopay',
  example: { contact_id: '00000000-0000-4000-8000-000000000001', autopay: true },
  phrases: ['charge the customer card automatically', 'stop autopay for the customer'],
  title: 'Turn autopay on or off',
  place: customer('Card on file, then Autopay'),
  words: { phrase: 'turn autopay on or off' },
  description:
    'autopay true: every invoice of the customer is charged to their saved card on its due date (they asked for it); false: ' +
    "only invoices marked autopay (their plan's) are. Needs a saved card to turn on. An agent's call waits for the owner every time.",
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    ownerApproves: { fields: ['autopay'], why: "decides whether the customer's card is charged without anyone looking" },
  },
  idempotent: true,
  input: z.strictObject({ contact_id: z.uuid(), autopay: z.boolean() }),
  output: CARD_STATE,
  async run(ctx, input) {
    const contact = await ctx.db.query<{ autopay_at: Date | null }>('select autopay_at from contacts where id = $1 for update', [
      input.contact_id,
    ])
    if (!contact.rows[0]) throw notFound('contact', input.contact_id)
    const card = await currentCard(ctx.db, input.contact_id)
    const was = contact.rows[0].autopay_at !== null
    if (input.autopay && !card)
      throw new AppError('CONFLICT', 'The customer has no saved card: send them card.request first', { field: 'data.autopay' })
    if (was !== input.autopay) {
      await ctx.db.query('update contacts set autopay_at = $2 where id = $1', [input.contact_id, input.autopay ? ctx.services.now() : null])
      await ctx.audit({
        entityType: 'contact',
        entityId: input.contact_id,
        action: 'set_autopay',
        before: { autopay: was },
        after: { autopay: input.autopay },
      })
    }
    return { contact_id: input.contact_id, autopay: input.autopay, card: card ? cardView(card) : null }
  },
})

/** Forgets a customer's saved card: nothing is charged to it any more (Stripe still keeps it on their customer). */
export const removeCard = defineAction({
  key: 'card.remove',
  example: { contact_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['remove the card on file', 'the customer asked us to delete their card'],
  title: 'Remove a saved card',
  place: customer('Card on file, then Remove'),
  words: { phrase: 'remove saved cards' },
  description:
    "Forget a customer's saved card (they asked, or it is lost): no invoice is charged to it any more and autopay goes off. " +
    'Their plans stay; their invoices are then emailed to be paid by link.',
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ contact_id: z.uuid() }),
  output: CARD_STATE,
  async run(ctx, input) {
    if (!(await ctx.db.query('select 1 from contacts where id = $1', [input.contact_id])).rows[0])
      throw notFound('contact', input.contact_id)
    const card = await currentCard(ctx.db, input.contact_id)
    if (card) {
      await ctx.db.query('update saved_cards set replaced_at = now() where id = $1', [card.id])
      await ctx.db.query('update contacts set autopay_at = null where id = $1', [input.contact_id])
      await ctx.audit({
        entityType: 'contact',
        entityId: input.contact_id,
        action: 'remove_card',
        before: { card: `${card.brand} ${card.last4}` },
        after: { card: null, autopay: false },
      })
    }
    return { contact_id: input.contact_id, autopay: false, card: null }
  },
})

/** Tries a declined invoice's card again at the next autopay pass, before its retry day. */
export const retryCardCharge = defineAction({
  key: 'card.retry_charge',
  example: { invoice_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['charge the card again now', 'retry the failed payment'],
  title: 'Charge the card again',
  place: page('/payments/failed', 'Charge again'),
  words: { phrase: 'charge a saved card again' },
  description:
    "Charge a declined invoice's saved card again at the next autopay pass (within a minute), not on its retry day. The " +
    "owner's alone: an agent never charges a card.",
  access: { agent: 'never', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ invoice_id: z.uuid() }),
  output: z.object({ invoice_id: z.uuid(), retry_on: z.string() }),
  async run(ctx, input) {
    const today = localDate(ctx.services.now(), (await loadTenantSettings(ctx.db)).timezone)
    const last = await ctx.db.query<{ id: string; status: string; retry_on: string | null }>(
      `select a.id, a.status, a.retry_on::text from autopay_attempts a where a.invoice_id = $1 order by a.attempt desc limit 1 for update`,
      [input.invoice_id],
    )
    const row = last.rows[0]
    if (!row) {
      if (!(await ctx.db.query('select 1 from invoices where id = $1', [input.invoice_id])).rows[0])
        throw notFound('invoice', input.invoice_id)
      throw new AppError('CONFLICT', 'This invoice has not been charged to a card: nothing to try again', { field: 'data.invoice_id' })
    }
    if (row.status !== 'declined')
      throw new AppError('CONFLICT', `Its last try is ${row.status.replace('_', ' ')}: only a declined charge is tried again`, {
        field: 'data.invoice_id',
      })
    if (row.retry_on !== today) {
      await ctx.db.query('update autopay_attempts set retry_on = $2 where id = $1', [row.id, today])
      await ctx.audit({
        entityType: 'invoice',
        entityId: input.invoice_id,
        action: 'autopay_retry',
        before: { retry_on: row.retry_on },
        after: { retry_on: today },
      })
    }
    return { invoice_id: input.invoice_id, retry_on: today }
  },
})

import { z } from 'zod'
import { OFFER_LINK } from './offer-links.js'
import { channelOn } from '../../kernel/message-channel.js'
import { queueMessage } from '../messages/queue.js'
import { AppError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { offerEmail, offerLinkUrl, sendOfferEmail } from './email.js'
import { loadOffer, OFFER_RECORD } from './model.js'
import { EMAIL_DELIVERY, emailDelivery } from '../messages/email-delivery.js'
import { offerInput, planOffer } from './plan.js'
import { OFFER_FACTS, previewOffer } from './preview.js'

/** Emails a customer or lead a few free times with one secret link; the time they pick is booked. */
export const sendSlotOffer = defineAction({
  key: 'slot_offer.send',
  phrases: [
    'offer the customer some times',
    'let the customer pick a time',
    'send a few times to choose from',
    'offer times',
    'propose slots',
    'let the customer pick',
    'self booking',
    'booking link',
  ],
  title: 'Offer times by email',
  place: BY_AGENT_OR_API,
  words: { phrase: 'email a customer a few free times to pick from' },
  description:
    'Email a customer (contact_id) or a lead (lead_id) 1 to 5 free times (one: a time that just opened) for a visit (services: names or ids), with one secret link to a ' +
    'page where they pick one; the first pick books the visit as ticket.create would (a lead becomes a customer first) and sends ' +
    'the usual confirmation; the other times lapse. Each slot {start, technician_id} must be free now, as the availability data ' +
    'type lists them (its start and technician_id): inside business hours, ahead, clear of visits and Google busy times (a taken one is a CONFLICT naming the slot). ' +
    'A time found taken when picked is refused on the page, which shows the others. The link expires after expires_in_hours ' +
    '(default 72) or at the last time offered, whichever is first; slot_offer.revoke ends it sooner. Returns the offer ' +
    '(slot_offers data type: status open|booked|revoked|expired, each slot open|taken|booked|lapsed, emailed_at or email_error).',
  access: { agent: 'requires_authorization', technician: 'none', customerText: { reviewed: ['note'] } },
  input: offerInput,
  preview: previewOffer,
  facts: OFFER_FACTS,
  output: OFFER_RECORD.extend({ delivery: EMAIL_DELIVERY }),
  async run(ctx, input) {
    const plan = await planOffer(ctx, input)
    const { secret: token, hash } = OFFER_LINK.mint()
    const r = await ctx.db.query<{ id: string }>(
      `insert into slot_offers (tenant_id, contact_id, lead_id, email, service_ids, duration_minutes, note, token_hash, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [
        ctx.tenantId,
        plan.recipient.contactId,
        plan.recipient.leadId,
        plan.recipient.email,
        plan.serviceIds,
        plan.durationMinutes,
        input.note ?? null,
        hash,
        plan.expiresAt,
      ],
    )
    const id = r.rows[0].id
    for (const [i, s] of plan.slots.entries()) {
      await ctx.db.query(
        `insert into slot_offer_slots (tenant_id, offer_id, position, technician_id, starts_at, ends_at) values ($1, $2, $3, $4, $5, $6)`,
        [ctx.tenantId, id, i, s.technicianId, s.start, s.end],
      )
    }
    const offer = await loadOffer(ctx.db, id, ctx.services.now())
    await ctx.audit({ entityType: 'slot_offer', entityId: id, action: 'create', before: null, after: offer })
    // A customer who chose texts gets the offer by text too, with a link of its own made as it is sent (while texts are on).
    if (plan.recipient.contactId && channelOn(ctx.services, 'text')) {
      const channel = await ctx.db.query<{ message_channel: string }>('select message_channel from contacts where id = $1', [
        plan.recipient.contactId,
      ])
      if (channel.rows[0]?.message_channel !== 'email') {
        await queueMessage(ctx, {
          contact_id: plan.recipient.contactId,
          kind: 'slot_offer',
          channel: 'text',
          slot_offer_id: id,
          send_at: ctx.services.now(),
        })
      }
    }
    const email = offerEmail(plan, offerLinkUrl(ctx.services.config.publicBaseUrl, token), input.note ?? null)
    const scope = { tenantId: ctx.tenantId, requestId: ctx.requestId }
    ctx.afterCommit(() =>
      sendOfferEmail(ctx.services, scope, id, {
        ...email,
        fromName: plan.settings.name,
        replyTo: plan.settings.reply_to_email,
        idempotencyKey: `slot-offer-${id}`,
        tenantId: ctx.tenantId,
      }),
    )
    return { ...offer, ...emailDelivery(ctx.services) }
  },
})

/** Ends an open offer: its link then says so and books nothing. */
export const revokeSlotOffer = defineAction({
  key: 'slot_offer.revoke',
  title: 'Withdraw an offer of times',
  place: BY_AGENT_OR_API,
  words: { phrase: 'withdraw times offered to a customer' },
  description:
    'Withdraw an offer of times (slot_offer.send) that is still open or expired: its link then books nothing and says the times ' +
    'were withdrawn. Revoking twice changes nothing; a booked offer is a CONFLICT (cancel the visit with ticket.cancel instead).',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    offer_id: z.uuid(),
    reason: z.string().trim().min(1).max(500).optional().describe('Why, for the record'),
  }),
  output: OFFER_RECORD,
  async run(ctx, input) {
    const now = ctx.services.now()
    await ctx.db.query('select id from slot_offers where id = $1 for update', [input.offer_id])
    const before = await loadOffer(ctx.db, input.offer_id, now)
    if (before.status === 'revoked') return before
    if (before.status === 'booked')
      throw new AppError(
        'CONFLICT',
        `Offer ${input.offer_id} was already booked as ticket ${before.ticket_id}; cancel that visit with ticket.cancel instead`,
        {
          ticket_id: before.ticket_id,
        },
      )
    await ctx.db.query(`update slot_offers set status = 'revoked', revoked_at = $2, revoke_reason = $3 where id = $1`, [
      input.offer_id,
      now,
      input.reason ?? null,
    ])
    const after = await loadOffer(ctx.db, input.offer_id, now)
    await ctx.audit({ entityType: 'slot_offer', entityId: input.offer_id, action: 'revoke', before, after })
    return after
  },
})

import { emailHtml } from '../../clients/email-html.js'
import type { OperationContext } from '../../kernel/context.js'
import { whenTextWithZone } from '../../text/date-words.js'
import { log } from '../../kernel/log.js'
import type { TenantSettings } from '../settings/model.js'
import { howWeTakeMoney } from '../settings/ways-to-pay.js'

/** Another customer's open offer that held the time just booked. */
interface RivalOffer {
  offer_id: string
  slot_ids: string[]
  email: string
  first_name: string
  starts_at: Date
  /** Times of the offer still open once this one is taken. */
  left: number
}

/**
 * Once a customer books a time through an offer, every other open offer holding the same technician at an overlapping
 * time has those times marked taken, and its customer is emailed once that it went (with whether their other times still
 * stand), after commit.
 */
export async function tellOthersTheTimeWent(
  ctx: OperationContext,
  booked: { offer_id: string; technician_id: string; starts_at: Date; ends_at: Date },
  settings: Pick<TenantSettings, 'name' | 'timezone' | 'reply_to_email'>,
): Promise<number> {
  const now = ctx.services.now()
  const r = await ctx.db.query<RivalOffer>(
    `with hit as (
       update slot_offer_slots s set taken_at = $5
         from slot_offers o
        where o.id = s.offer_id and o.status = 'open' and o.expires_at > $5 and s.offer_id <> $1 and s.taken_at is null
          and s.technician_id = $2 and s.starts_at < $4 and s.ends_at > $3
       returning s.offer_id, s.id as slot_id, s.starts_at)
     select o.id as offer_id, array_agg(hit.slot_id order by hit.starts_at) as slot_ids, min(hit.starts_at) as starts_at, o.email,
            coalesce(nullif(split_part(c.display_name, ' ', 1), ''), 'there') as first_name,
            (select count(*)::int from slot_offer_slots x
              where x.offer_id = o.id and x.taken_at is null and x.starts_at > $5
                and x.id not in (select slot_id from hit)) as left
       from hit join slot_offers o on o.id = hit.offer_id left join contacts c on c.id = o.contact_id
      group by o.id, o.email, c.display_name`,
    [booked.offer_id, booked.technician_id, booked.starts_at, booked.ends_at, now],
  )
  for (const rival of r.rows) {
    await ctx.audit({
      entityType: 'slot_offer',
      entityId: rival.offer_id,
      action: 'slot_taken',
      after: { slot_ids: rival.slot_ids, reason: 'booked through another offer' },
    })
    const when = whenTextWithZone(new Date(rival.starts_at), settings.timezone)
    const text =
      `Hi ${rival.first_name},\n\n` +
      `The time we offered you on ${when} has just been booked by another customer, so it is no longer free.\n\n` +
      (rival.left > 0
        ? `The other times in your link still stand: pick one of them while they last.`
        : `We will let you know when another time opens up.`) +
      `\n\n${settings.name}\n\n${howWeTakeMoney(settings.name, 'on its invoices')}`
    const message = {
      to: rival.email,
      subject: `That time has gone - ${settings.name}`,
      text,
      html: emailHtml(text, settings.name),
      idempotencyKey: `slot-offer-gone-${rival.offer_id}-${booked.offer_id}`,
      tenantId: ctx.tenantId,
      fromName: settings.name,
      replyTo: settings.reply_to_email,
    }
    ctx.afterCommit(async () => {
      try {
        await ctx.services.email.send(message)
      } catch (err) {
        log('warn', 'slot offer "time gone" email not sent', {
          offer_id: rival.offer_id,
          error: err instanceof Error ? err.message : String(err),
        })
      }
    })
  }
  return r.rows.length
}

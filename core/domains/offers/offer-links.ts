import { callWithin } from '../../kernel/call-within.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { runEffects } from '../../kernel/operations.js'
import { convertLead } from '../leads/actions.js'
import { LEAD_COLUMNS, parseUsAddress } from '../leads/model.js'
import { attachRequestPhoto } from '../leads/keep-details.js'
import { type LeadRequest, leadDetails, leadRequestOf, visitNotesOf } from '../leads/lead-details.js'
import { longDate, whenText, whenTextWithZone } from '../../text/date-words.js'
import { defineSecretLink } from '../../links/secret-link.js'
import { createTicket } from '../tickets/actions.js'
import { pickByLine } from './email.js'
import { loadOffer } from './model.js'
import { tellOthersTheTimeWent } from './time-gone.js'
import { loadTenantSettings } from '../settings/model.js'

/*
 * The customer picks one of the offered times through the offer's secret link, without signing in. GET only shows the
 * times (mail scanners open links); POST books one: it is checked free again under the technicians' booking lock, a lead
 * becomes a customer, the visit is booked as ticket.create books it, confirmed by the pick (no email asks to confirm it;
 * the day-before reminder is queued as usual), and the offer is closed so its other times lapse and a second pick books
 * nothing.
 */

/** An offer's link: it books one of the offered times, once, until the offer expires or is revoked. */
export const OFFER_LINK = defineSecretLink({
  kind: 'slot_offer',
  table: 'slot_offers',
  opens: 'one offer of times to book a visit',
  lives: 'until_expires_at',
  use: 'single',
})

/** Why an offer's link books nothing now. */
export type OfferProblem = 'unknown' | 'expired' | 'revoked' | 'booked' | 'taken' | 'gone' | 'closed'

/** What the customer's page shows about an offer. */
export interface OfferView {
  problem: OfferProblem | null
  businessName?: string
  services?: string[]
  note?: string | null
  /** The times still on offer, in the business's words and zone. */
  slots?: Array<{ id: string; when: string }>
  /** The time booked through the link, once it is. */
  booked?: string
  /** The deadline to pick, as a sentence: "Pick a time by ... CST; after that these times are released." */
  pickBy?: string
  /** The visit booked is confirmed by the pick; the day its reminder goes, when one is queued. */
  reminderOn?: string
}

interface OfferRow {
  id: string
  tenant_id: string
  contact_id: string | null
  lead_id: string | null
  service_ids: string[]
  duration_minutes: number
  note: string | null
  status: string
  expires_at: Date
  booked_slot_id: string | null
  business_name: string
  timezone: string
}

/** What an offer's link shows, changing nothing. */
export async function viewOfferLink(services: Services, token: string): Promise<OfferView> {
  const found = await offerOfToken(services, token)
  if (!found) return { problem: 'unknown' }
  return withTenant(services.db, { tenantId: found.tenantId, actorType: 'system' }, async (tx) => {
    const offer = await loadRow(tx, found.tokenHash, false)
    if (!offer) return { problem: 'unknown' }
    const problem = problemOf(offer, services.now())
    return viewOf(tx, offer, problem === 'booked' ? null : problem, services.now())
  })
}

/** Books the picked time through an offer's link, once; a link or time that cannot be used changes nothing but says why. */
export async function pickOfferSlot(services: Services, token: string, slotId: string, requestId: string): Promise<OfferView> {
  const found = await offerOfToken(services, token)
  if (!found) return { problem: 'unknown' }
  const later: Array<() => Promise<void>> = []
  const view = await withTenant(services.db, { tenantId: found.tenantId, actorType: 'system', requestId }, async (tx) => {
    const offer = await loadRow(tx, found.tokenHash, true)
    if (!offer) return { problem: 'unknown' } as OfferView
    const now = services.now()
    const problem = problemOf(offer, now)
    if (problem) return viewOf(tx, offer, problem, now)
    const slot = (
      await tx.query<{ id: string; technician_id: string; starts_at: Date; ends_at: Date }>(
        'select id, technician_id, starts_at, ends_at from slot_offer_slots where offer_id = $1 and id::text = $2 and taken_at is null and starts_at > $3',
        [offer.id, slotId, now],
      )
    ).rows[0]
    if (!slot) return viewOf(tx, offer, 'gone', now)
    const reasoning = `The customer picked ${whenText(new Date(slot.starts_at), offer.timezone)} through the link of offer ${offer.id}`
    const ctx = contextOf(services, { tenantId: found.tenantId, actor: { type: 'system', id: null } }, tx, requestId, reasoning, (fn) =>
      later.push(fn),
    )
    const before = await loadOffer(tx, offer.id, now)
    await tx.query('savepoint offer_pick')
    let ticketId: string
    let contactId: string
    try {
      contactId = offer.contact_id ?? (await customerOfLead(ctx, offer.lead_id as string))
      // A lead's first visit carries what they told us: the technician reads it in the notes and sees their photo.
      const fromLead = offer.lead_id ? await leadVisitOf(ctx.db, offer.lead_id) : null
      const ticket = await callWithin(ctx, createTicket, {
        contact_id: contactId,
        address_id: (await firstAddress(tx, contactId)) ?? undefined,
        scheduled_start: new Date(slot.starts_at).toISOString(),
        duration_minutes: offer.duration_minutes,
        technician_ids: [slot.technician_id],
        line_items: offer.service_ids.map((id) => ({ service_id: id })),
        // She picked this time herself: the pick is her confirmation, so no email asks for one; the reminder still goes.
        confirmed: true,
        ...(fromLead?.notes ? { notes: fromLead.notes } : {}),
      })
      ticketId = String((ticket as { id: string }).id)
      if (fromLead) await attachRequestPhoto(ctx, fromLead.request, { ticket_id: ticketId })
      await tx.query('release savepoint offer_pick')
    } catch (err) {
      await tx.query('rollback to savepoint offer_pick')
      if (!(err instanceof AppError)) throw err
      if (err.code !== 'CONFLICT') {
        log('warn', 'slot offer could not be booked', { offer_id: offer.id, error: err.message })
        return viewOf(tx, offer, 'closed', now)
      }
      await tx.query('update slot_offer_slots set taken_at = $2 where id = $1', [slot.id, now])
      await ctx.audit({
        entityType: 'slot_offer',
        entityId: offer.id,
        action: 'slot_taken',
        after: { slot_id: slot.id, reason: err.message },
      })
      return viewOf(tx, offer, 'taken', now)
    }
    await tx.query(
      `update slot_offers set status = 'booked', ticket_id = $2, booked_slot_id = $3, booked_at = $4, contact_id = $5 where id = $1`,
      [offer.id, ticketId, slot.id, now, contactId],
    )
    await ctx.audit({ entityType: 'slot_offer', entityId: offer.id, action: 'book', before, after: await loadOffer(tx, offer.id, now) })
    // The same time offered to others (a gap offered to several on the waitlist): theirs is taken, and they are told.
    await tellOthersTheTimeWent(ctx, { offer_id: offer.id, ...slot }, await loadTenantSettings(tx))
    return viewOf(tx, { ...offer, status: 'booked', booked_slot_id: slot.id }, null, now)
  })
  await runEffects(later, requestId)
  return view
}

/** The business and hash of a well-formed token that names an offer; null otherwise. */
function offerOfToken(services: Services, token: string): Promise<{ tenantId: string; tokenHash: string } | null> {
  return OFFER_LINK.find(services.db, token)
}

async function loadRow(tx: Queryable, tokenHash: string, lock: boolean): Promise<OfferRow | null> {
  const r = await tx.query<OfferRow>(
    `select o.id, o.tenant_id, o.contact_id, o.lead_id, o.service_ids, o.duration_minutes, o.note, o.status, o.expires_at,
            o.booked_slot_id, b.name as business_name, b.timezone
     from slot_offers o join tenants b on b.id = o.tenant_id
     where o.token_hash = $1 or o.id = (select l.offer_id from slot_offer_links l where l.token_hash = $1)
     ${lock ? 'for update of o' : ''}`,
    [tokenHash],
  )
  return r.rows[0] ?? null
}

/** The first reason the offer books nothing now; null when a time may be picked. */
function problemOf(offer: OfferRow, now: Date): OfferProblem | null {
  if (offer.status === 'booked') return 'booked'
  if (offer.status === 'revoked') return 'revoked'
  if (new Date(offer.expires_at) <= now) return 'expired'
  return null
}

/** What a lead's first visit carries: the notes of what the customer told us, and their request (for its photo). */
async function leadVisitOf(tx: Queryable, leadId: string): Promise<{ notes: string | null; request: LeadRequest | null }> {
  const lead = (await tx.query(`select ${LEAD_COLUMNS} from leads where id = $1`, [leadId])).rows[0]
  return { notes: lead ? visitNotesOf(leadDetails(lead)) : null, request: await leadRequestOf(tx, leadId) }
}

/** The customer a lead is, made now when it is not one yet (its address kept only when it reads as one). */
async function customerOfLead(ctx: Parameters<typeof callWithin>[0], leadId: string): Promise<string> {
  const lead = (
    await ctx.db.query<{ name: string | null; email: string; converted_contact_id: string | null; address: string | null }>(
      'select name, email, converted_contact_id, address from leads where id = $1 for update',
      [leadId],
    )
  ).rows[0]
  if (lead.converted_contact_id) return lead.converted_contact_id
  const address = lead.address && !parseUsAddress(lead.address) ? { address: null } : {}
  const name = lead.name?.trim() ? {} : { display_name: lead.email }
  const converted = await callWithin(ctx, convertLead, { lead_id: leadId, ...address, ...name })
  return String(converted.contact.id)
}

async function firstAddress(tx: Queryable, contactId: string): Promise<string | null> {
  const r = await tx.query<{ id: string }>(
    'select id from addresses where contact_id = $1 and archived_at is null order by created_at, id limit 1',
    [contactId],
  )
  return r.rows[0]?.id ?? null
}

async function viewOf(tx: Queryable, offer: OfferRow, problem: OfferProblem | null, now: Date): Promise<OfferView> {
  const tz = offer.timezone
  const names = await tx.query<{ name: string }>('select name from services where id = any($1::uuid[]) order by name', [offer.service_ids])
  const slots = await tx.query<{ id: string; starts_at: Date }>(
    'select id, starts_at from slot_offer_slots where offer_id = $1 and taken_at is null and starts_at > $2 order by starts_at, position',
    [offer.id, now],
  )
  const booked = offer.booked_slot_id
    ? (await tx.query<{ starts_at: Date }>('select starts_at from slot_offer_slots where id = $1', [offer.booked_slot_id])).rows[0]
    : undefined
  const open = offer.status === 'open' && new Date(offer.expires_at) > now
  const reminder = await tx.query<{ send_at: Date }>(
    `select m.send_at from slot_offers o join scheduled_messages m on m.ticket_id = o.ticket_id
     where o.id = $1 and m.kind = 'reminder' and m.status = 'pending' order by m.send_at limit 1`,
    [offer.id],
  )
  return {
    problem,
    businessName: offer.business_name,
    services: names.rows.map((n) => n.name),
    note: offer.note,
    slots: open ? slots.rows.map((s) => ({ id: s.id, when: whenTextWithZone(new Date(s.starts_at), tz) })) : [],
    booked: booked ? whenTextWithZone(new Date(booked.starts_at), tz) : undefined,
    pickBy: pickByLine(new Date(offer.expires_at), tz),
    reminderOn: reminder.rows[0] ? longDate(new Date(reminder.rows[0].send_at), tz) : undefined,
  }
}

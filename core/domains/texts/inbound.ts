import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext, Services } from '../../kernel/context.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { redactSensitive } from '../../kernel/redact.js'
import { clockTime, longDate } from '../../text/date-words.js'
import { logInteraction } from '../interactions/actions.js'
import { uploadDocument } from '../documents/actions.js'
import { createLead } from '../leads/actions.js'
import { recordAppointmentAnswer } from '../messages/response-links.js'
import { lockTicket } from '../tickets/model.js'
import { loadTenantSettings } from '../settings/model.js'
import { businessOfNumber } from './business-number.js'
import { type TextKeyword, keywordOf } from './keywords.js'
import { phoneKeyOfE164 } from './numbers.js'
import { textSize } from './segments.js'
import { textSettingsOf } from './settings.js'
import { readTwilioMedia } from './twilio.js'

/** One text a customer sent to a business's number, as Twilio posts it (its signature checked). */
export interface InboundText {
  sid: string
  from: string
  to: string
  body: string
  /** The photos or files of an MMS: where Twilio keeps each, and its type. */
  media: Array<{ url: string; contentType: string }>
}

/** What became of an inbound text, and the words Twilio answers the customer with (none: no answer). */
export interface InboundOutcome {
  outcome: 'replayed' | 'unknown_number' | TextKeyword | 'timeline' | 'lead'
  reply: string | null
}

/** Words a customer sends that the product answers itself; anything else waits for a person. */
const ANSWERED: readonly TextKeyword[] = ['stop', 'start', 'help']

/**
 * Takes one inbound text, once (a replayed delivery changes nothing), in the business's transaction as the system:
 * STOP and its like stop every text to the number (confirmed once), START and UNSTOP resume them (and count as the
 * customer's consent, given by a reply), HELP answers the business's name and how to stop; C or R answers the visit the
 * latest text to that number asked about (confirmed, or asked to move, as an email's links do); any other words go on the
 * customer's timeline and wait for an answer, or, from a number no customer has, on an open lead's or a new lead.
 */
export async function receiveText(services: Services, text: InboundText): Promise<InboundOutcome> {
  const tenantId = await businessOfNumber(services, text.to)
  if (!tenantId) {
    log('info', 'text to a number no business here has; acknowledged without keeping it', { sid: text.sid, to: text.to })
    return { outcome: 'unknown_number', reply: null }
  }
  const scope = { tenantId, actorType: 'system' as const, requestId: `text-in-${text.sid}` }
  // Twilio is read outside the business's transaction: a photo that cannot be read leaves the text kept without it.
  const photos = await readPhotos(services, text)
  return withTenant(services.db, scope, async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`text-in:${tenantId}:${text.sid}`])
    const seen = await tx.query('select 1 from text_messages where provider_sid = $1', [text.sid])
    if (seen.rows.length) return { outcome: 'replayed', reply: null } as InboundOutcome
    const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, scope.requestId, null, () => {
      throw new Error('an inbound text has no effects after commit')
    })
    const settings = await loadTenantSettings(tx)
    const contactId = await contactOfNumber(tx, text.from)
    const keyword = keywordOf(text.body)
    const words = redactSensitive(text.body).text
    const made: Made = { contactId, leadId: null, ticketId: null, intent: keyword, needsAnswer: false }
    let reply: string | null = null
    let outcome: InboundOutcome['outcome'] = keyword ?? 'timeline'
    if (keyword === 'stop') {
      const first = await tx.query(
        'insert into text_opt_outs (tenant_id, phone, stopped_at) values ($1, $2, $3) on conflict do nothing returning phone',
        [tenantId, text.from, services.now()],
      )
      // Confirmed once: a second STOP is not answered, since nothing more may be texted.
      if (first.rows.length) reply = `${settings.name}: you will get no more texts from us. Reply START to text again.`
    } else if (keyword === 'start') {
      await tx.query('delete from text_opt_outs where phone = $1', [text.from])
      if (contactId) await consentByReply(ctx, contactId)
      reply = `${settings.name}: texts are on again. Reply STOP to stop them, HELP for help.`
    } else if (keyword === 'help') {
      const reach = settings.reply_to_email ? ` Email ${settings.reply_to_email}.` : ''
      reply = `${settings.name}: texts about your visits. Reply C to confirm a visit, R to move it, STOP to stop texts.${reach}`
    } else if (keyword === 'confirm' || keyword === 'reschedule') {
      const visit = await visitAsked(tx, text.from, services.now())
      if (visit) {
        await recordAppointmentAnswer(
          ctx,
          visit.id,
          keyword === 'confirm' ? 'confirm' : 'change',
          keyword === 'reschedule' ? 'Asked by text to move it' : null,
        )
        made.ticketId = visit.id
        const when = `${longDate(visit.scheduled_start, settings.timezone)} at ${clockTime(visit.scheduled_start, settings.timezone)}`
        reply =
          keyword === 'confirm'
            ? `${settings.name}: thank you, your visit ${when} is confirmed.`
            : `${settings.name}: thank you, we will be in touch to find a new time for your visit ${when}.`
      } else {
        outcome = 'timeline'
        made.intent = null
      }
    }
    const documents = contactId ? await keepPhotos(ctx, contactId, photos.read) : []
    if (!made.intent || !ANSWERED.includes(made.intent)) {
      made.needsAnswer = !made.ticketId
      if (!contactId) {
        const kept = photos.read.length
        const note = [
          kept ? `(${kept} photo${kept === 1 ? '' : 's'} kept, filed with the customer once the lead becomes one)` : '',
          photos.unread ? `(${photos.unread} photo${photos.unread === 1 ? '' : 's'} could not be read from Twilio)` : '',
        ]
          .filter(Boolean)
          .join(' ')
        made.leadId = await leadOfNumber(ctx, text.from, [words.trim(), note].filter(Boolean).join(' '))
        outcome = made.ticketId ? outcome : 'lead'
      } else if (!made.ticketId) {
        await callWithin(ctx, logInteraction, {
          contact_id: contactId,
          kind: 'text',
          direction: 'inbound',
          occurred_at: services.now().toISOString(),
          summary: [words.trim(), photoWords(documents.length, photos.unread)].filter(Boolean).join(' ') || '(an empty text)',
        })
      }
    }
    const row = await tx.query<{ id: string }>(
      `insert into text_messages (tenant_id, direction, contact_id, lead_id, phone, business_phone, body, segments, status, provider_sid,
         ticket_id, intent, needs_answer, created_at, media_document_ids)
       values ($1, 'in', $2, $3, $4, $5, $6, $7, 'received', $8, $9, $10, $11, $12, $13) returning id`,
      [
        tenantId,
        made.contactId,
        made.leadId,
        text.from,
        text.to,
        words,
        textSize(words).segments,
        text.sid,
        made.ticketId,
        made.intent,
        made.needsAnswer,
        services.now(),
        documents,
      ],
    )
    // A lead's photos wait here until the lead becomes a customer, whose documents they then become (photos-of-leads.ts).
    if (made.leadId) {
      for (const photo of photos.read) {
        await tx.query('insert into text_media (tenant_id, text_message_id, content_type, bytes) values ($1, $2, $3, $4)', [
          tenantId,
          row.rows[0].id,
          photo.contentType,
          photo.bytes,
        ])
      }
    }
    if (reply) await keepReply(tx, tenantId, made, text, reply, services.now())
    log('info', 'text received', { tenant_id: tenantId, sid: text.sid, outcome })
    return { outcome, reply }
  })
}

/** The photos of an MMS as read from Twilio, and how many could not be read. */
interface Photos {
  read: Array<{ bytes: Buffer; contentType: string }>
  unread: number
}

/** Reads an MMS's photos and files from Twilio with the account's keys; one that cannot be read is counted, not fatal. */
async function readPhotos(services: Services, text: InboundText): Promise<Photos> {
  const photos: Photos = { read: [], unread: 0 }
  for (const media of text.media) {
    try {
      photos.read.push(await readTwilioMedia(textSettingsOf(services), media.url))
    } catch (err) {
      photos.unread++
      log('warn', 'a photo of a text could not be read from Twilio; the text is kept without it', {
        sid: text.sid,
        error: err instanceof Error ? err.message : String(err),
      })
    }
  }
  return photos
}

/** Keeps a customer's texted photos as their documents (tagged text), named by the day they are kept; the documents' ids. */
export async function keepPhotos(ctx: OperationContext, contactId: string, photos: Photos['read']): Promise<string[]> {
  const ids: string[] = []
  const day = ctx.services.now().toISOString().slice(0, 10)
  for (const [i, photo] of photos.entries()) {
    const document = await callWithin(ctx, uploadDocument, {
      contact_id: contactId,
      name: `Texted ${photo.contentType.startsWith('image/') ? 'photo' : 'file'} ${day}${photos.length > 1 ? ` (${i + 1})` : ''}`,
      tags: ['text'],
      content_base64: photo.bytes.toString('base64'),
      content_type: photo.contentType,
    })
    ids.push((document as { id: string }).id)
  }
  return ids
}

/** The words a timeline line adds for a text's photos. */
function photoWords(kept: number, unread: number): string {
  const parts = [
    kept ? `(${kept} photo${kept === 1 ? '' : 's'} kept in the customer's files)` : '',
    unread ? `(${unread} photo${unread === 1 ? '' : 's'} could not be read from Twilio)` : '',
  ]
  return parts.filter(Boolean).join(' ')
}

/** What an inbound text is kept with. */
interface Made {
  contactId: string | null
  leadId: string | null
  ticketId: string | null
  intent: TextKeyword | null
  needsAnswer: boolean
}

/** The product's answer, kept in the thread as Twilio sends it from the webhook's answer. */
async function keepReply(tx: Queryable, tenantId: string, made: Made, text: InboundText, reply: string, at: Date): Promise<void> {
  await tx.query(
    `insert into text_messages (tenant_id, direction, contact_id, lead_id, phone, business_phone, body, segments, status, ticket_id, created_at)
     values ($1, 'out', $2, $3, $4, $5, $6, $7, 'queued', $8, $9)`,
    [tenantId, made.contactId, made.leadId, text.from, text.to, reply, textSize(reply).segments, made.ticketId, at],
  )
}

/**
 * The customer a number belongs to: of the customers with that number, the one last texted from it or to it, else the
 * newest; null when no customer has it.
 */
async function contactOfNumber(tx: Queryable, phone: string): Promise<string | null> {
  const r = await tx.query<{ id: string }>(
    `select c.id from contacts c
     left join lateral (select max(created_at) as last from text_messages m where m.contact_id = c.id and m.phone = $2) t on true
     where c.phone_key = $1 and c.archived_at is null
     order by t.last desc nulls last, c.created_at desc limit 1`,
    [phoneKeyOfE164(phone), phone],
  )
  return r.rows[0]?.id ?? null
}

/**
 * The visit a C or R answers: the one the latest text to this number asked about (a confirmation, a reminder, a move),
 * while it can still be answered (scheduled or confirmed, not started). A customer with two visits answers the one
 * they were last texted about.
 */
async function visitAsked(tx: Queryable, phone: string, now: Date): Promise<{ id: string; scheduled_start: Date } | null> {
  const asked = await tx.query<{ ticket_id: string }>(
    `select m.ticket_id from text_messages m join scheduled_messages s on s.id = m.scheduled_message_id
     where m.direction = 'out' and m.phone = $1 and m.ticket_id is not null and s.kind in ('confirmation', 'reminder', 'moved')
     order by m.created_at desc limit 20`,
    [phone],
  )
  for (const id of new Set(asked.rows.map((r) => r.ticket_id))) {
    const visit = await lockTicket(tx, id)
    const start = new Date(visit.scheduled_start as Date)
    if (['scheduled', 'confirmed'].includes(String(visit.status)) && start.getTime() > now.getTime()) return { id, scheduled_start: start }
  }
  return null
}

/** The open lead of this number (its texts go on it), or a new one made from the text. */
async function leadOfNumber(ctx: OperationContext, phone: string, words: string): Promise<string> {
  const open = await ctx.db.query<{ id: string }>(
    `select l.id from text_messages m join leads l on l.id = m.lead_id
     where m.phone = $1 and l.status not in ('converted', 'archived') order by m.created_at desc limit 1`,
    [phone],
  )
  if (open.rows[0]) {
    await callWithin(ctx, logInteraction, {
      lead_id: open.rows[0].id,
      kind: 'text',
      direction: 'inbound',
      occurred_at: ctx.services.now().toISOString(),
      summary: words.trim() || '(a text with no words)',
    })
    return open.rows[0].id
  }
  const lead = await callWithin(ctx, createLead, {
    raw_notes: `Text from ${phone}:\n\n${words.trim() || '(no words)'}`.slice(0, 20_000),
    source: 'text',
    phone,
  })
  return (lead as { id: string }).id
}

/** START from a customer who never agreed to texts is their consent to visit texts, given by a reply. */
async function consentByReply(ctx: OperationContext, contactId: string): Promise<void> {
  const r = await ctx.db.query(
    `insert into text_consents (tenant_id, contact_id, service_at, service_how) values ($1, $2, $3, 'reply')
     on conflict (tenant_id, contact_id) do update set service_at = excluded.service_at, service_how = 'reply'
       where text_consents.service_at is null
     returning contact_id, service_at, service_how`,
    [ctx.tenantId, contactId, ctx.services.now()],
  )
  if (r.rows[0]) {
    await ctx.audit({ entityType: 'text_consent', entityId: contactId, action: 'consent_by_reply', before: null, after: r.rows[0] })
  }
}

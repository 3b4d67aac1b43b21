import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { assertDatabaseTimeZone } from '../../vocabulary/time-zone-check.js'
import { lockContact } from '../contacts/model.js'
import { queueMessage } from '../messages/queue.js'
import { MESSAGE_RECORD } from '../messages/records.js'
import { CONSENT_HOWS } from './consent.js'
import { e164Of } from './numbers.js'
import { loadTenantSettings } from '../settings/model.js'
import { textSize } from './segments.js'
import { assertTextable } from './textable.js'
import { TEXT_CONSENT_RECORD, consentRecord } from './records.js'

/** A text's own words: ten segments at most. */
const textBody = noteText(1_530)

/** What a queued text will read as: its words, their segments (billed messages) and encoding. */
const TEXT_PREVIEW = z.object({
  body: z.string(),
  segments: z
    .number()
    .int()
    .describe('How many segments (billed messages) it takes: one up to 160 plain characters, 70 with an accent or emoji'),
  encoding: z.enum(['GSM-7', 'UCS-2']),
})

/** Texts a customer now, in the business's name, with words of the caller's. */
export const sendText = defineAction({
  key: 'text.send',
  phrases: ['text a customer', 'send an sms', 'reply to a text', 'answer a text message', 'text', 'sms', 'message customer by text'],
  title: 'Text a customer',
  place: BY_AGENT_OR_API,
  words: { phrase: 'text a customer' },
  description:
    'Text a customer now (within seconds, by the delivery worker), from the business\'s number, as "<business name>: <body>". ' +
    'Refused for anyone (CONFLICT) when the customer has not agreed to texts (text.record_consent) or replied STOP, has no ' +
    'mobile number, or the business has no texting number; UNAVAILABLE while texts are off on the server. Answering marks their ' +
    'waiting texts answered. Returns the queued message and the text with its segment count.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['body'] } },
  input: z.strictObject({
    contact_id: z.uuid(),
    body: textBody.describe(
      'The words, without the business name (added in front); keep to one segment (160 plain characters) where you can',
    ),
  }),
  output: MESSAGE_RECORD.extend({ text: TEXT_PREVIEW }),
  async run(ctx, input) {
    await assertTextable(ctx.db, ctx.services, input.contact_id, 'service')
    const settings = await loadTenantSettings(ctx.db)
    const message = await queueMessage(ctx, {
      contact_id: input.contact_id,
      kind: 'custom',
      channel: 'text',
      body: input.body,
      send_at: ctx.services.now(),
    })
    await ctx.db.query(`update text_messages set needs_answer = false, answered_at = $2 where contact_id = $1 and needs_answer`, [
      input.contact_id,
      ctx.services.now(),
    ])
    const words = `${settings.name}: ${input.body.replace(/\s+/g, ' ').trim()}`
    const size = textSize(words)
    return { ...message, text: { body: words, segments: size.segments, encoding: size.encoding } }
  },
})

/** Records that a customer agreed to texts, and how. */
export const recordTextConsent = defineAction({
  key: 'text.record_consent',
  phrases: ['customer agreed to texts', 'opt in to sms', 'consent to text messages', 'text consent', 'sms opt-in'],
  title: 'Record consent to texts',
  place: BY_AGENT_OR_API,
  words: { phrase: "record a customer's consent to texts" },
  description:
    'Record that a customer agreed to be texted: kind service (confirmations, reminders, "on my way", pay links) ' +
    'or marketing (sent only 8:00-21:00 in their zone), how (request_form, phone_call, in_person, in_writing, reply) ' +
    "and when (now). time_zone is the customer's own zone when not the business's. A customer who replied STOP must reply " +
    "START themselves: consent recorded here does not lift a STOP. An agent's call waits for the owner.",
  access: { agent: 'requires_authorization', technician: 'none' },
  input: z.strictObject({
    contact_id: z.uuid(),
    kind: z.enum(['service', 'marketing']),
    how: z.enum(CONSENT_HOWS),
    time_zone: z.string().min(1).max(64).optional().describe("The customer's own IANA time zone, when not the business's"),
  }),
  output: TEXT_CONSENT_RECORD,
  async run(ctx, input) {
    if (input.time_zone) await assertDatabaseTimeZone(ctx.db, input.time_zone, 'data.time_zone')
    const before = (await ctx.db.query('select * from text_consents where contact_id = $1 for update', [input.contact_id])).rows[0] ?? null
    await lockContact(ctx.db, input.contact_id)
    const col = input.kind === 'service' ? 'service' : 'marketing'
    const r = await ctx.db.query(
      `insert into text_consents (tenant_id, contact_id, ${col}_at, ${col}_how, time_zone) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, contact_id) do update set ${col}_at = excluded.${col}_at, ${col}_how = excluded.${col}_how,
         time_zone = coalesce(excluded.time_zone, text_consents.time_zone)
       returning *`,
      [ctx.tenantId, input.contact_id, ctx.services.now(), input.how, input.time_zone ?? null],
    )
    await ctx.audit({ entityType: 'text_consent', entityId: input.contact_id, action: 'record', before, after: r.rows[0] })
    return consentRecord(ctx.db, input.contact_id)
  },
})

/** Records that a customer no longer wants texts of a kind. */
export const withdrawTextConsent = defineAction({
  key: 'text.withdraw_consent',
  phrases: ['customer does not want texts', 'stop texting a customer', 'opt out of sms', 'no more texts'],
  title: 'Stop texting a customer',
  place: BY_AGENT_OR_API,
  words: { phrase: "withdraw a customer's consent to texts" },
  description:
    "Withdraw a customer's consent to texts: kind service, marketing or all. Their pending texts of that kind are not sent; " +
    'a customer who hears only by text goes back to email.',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({ contact_id: z.uuid(), kind: z.enum(['service', 'marketing', 'all']) }),
  output: TEXT_CONSENT_RECORD,
  async run(ctx, input) {
    const before = (await ctx.db.query('select * from text_consents where contact_id = $1 for update', [input.contact_id])).rows[0] ?? null
    await lockContact(ctx.db, input.contact_id)
    if (before) {
      const service = input.kind !== 'marketing'
      const marketing = input.kind !== 'service'
      const r = await ctx.db.query(
        `update text_consents set service_at = case when $2 then null else service_at end, service_how = case when $2 then null else service_how end,
           marketing_at = case when $3 then null else marketing_at end, marketing_how = case when $3 then null else marketing_how end
         where contact_id = $1 returning *`,
        [input.contact_id, service, marketing],
      )
      await ctx.audit({ entityType: 'text_consent', entityId: input.contact_id, action: 'withdraw', before, after: r.rows[0] })
      if (service) await chooseChannel(ctx, input.contact_id, 'email', 'withdraw')
    }
    return consentRecord(ctx.db, input.contact_id)
  },
})

/** Chooses how a customer hears from the business: email, text or both. */
export const setMessageChannel = defineAction({
  key: 'text.set_channel',
  phrases: ['customer prefers texts', 'send reminders by text', 'email or text', 'contact preference', 'prefers sms'],
  title: 'Choose email or texts for a customer',
  place: BY_AGENT_OR_API,
  words: { phrase: 'choose how a customer hears from you' },
  description:
    'Choose how a customer gets confirmations, reminders, "on my way" and invoices: email, text or both. text and both need ' +
    'their consent to texts (text.record_consent) and a mobile number (CONFLICT otherwise). Messages queued from now on follow it.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ contact_id: z.uuid(), channel: z.enum(['email', 'text', 'both']) }),
  output: TEXT_CONSENT_RECORD,
  async run(ctx, input) {
    if (input.channel !== 'email') await assertTextable(ctx.db, ctx.services, input.contact_id, 'service')
    else await lockContact(ctx.db, input.contact_id)
    await chooseChannel(ctx, input.contact_id, input.channel, 'choose_channel')
    return consentRecord(ctx.db, input.contact_id)
  },
})

/** Sets the customer's channel, audited, when it changes. */
async function chooseChannel(
  ctx: Parameters<typeof sendText.run>[0],
  contactId: string,
  channel: 'email' | 'text' | 'both',
  action: string,
): Promise<void> {
  const before = await ctx.db.query<{ message_channel: string }>('select message_channel from contacts where id = $1 for update', [
    contactId,
  ])
  if (before.rows[0]?.message_channel === channel) return
  await ctx.db.query('update contacts set message_channel = $2 where id = $1', [contactId, channel])
  await ctx.audit({ entityType: 'contact', entityId: contactId, action, before: before.rows[0], after: { message_channel: channel } })
}

/** The business's texting number and daily limit. */
export const updateTextSettings = defineAction({
  key: 'text.update_settings',
  phrases: ['texting number', 'sms number', 'twilio number', 'daily text limit', 'how many texts a day'],
  title: 'Change texting settings',
  place: BY_AGENT_OR_API,
  words: { phrase: "change the business's texting number or limit" },
  description:
    "Set the business's texting number (from_number: the Twilio number customers see and answer, in any form; stored E.164) " +
    "and daily_limit (texts a day at most, 0-100000; past it texts wait for the next day). The number is where customers' " +
    'replies go, so only the owner sets it.',
  access: { agent: 'never', technician: 'none' },
  input: z.strictObject({
    from_number: z.string().min(7).max(25).nullable().optional(),
    daily_limit: z.number().int().min(0).max(100_000).optional(),
  }),
  output: z.object({ from_number: z.string().nullable(), daily_limit: z.number().int() }),
  async run(ctx, input) {
    const settings = await loadTenantSettings(ctx.db)
    const number =
      input.from_number === undefined || input.from_number === null ? input.from_number : e164Of(input.from_number, settings.timezone)
    if (number === null && input.from_number) {
      throw validationError([
        { field: 'data.from_number', message: `expected a valid phone number, such as +12565550142; got ${input.from_number}` },
      ])
    }
    const before = (await ctx.db.query('select from_number, daily_limit from text_settings for update')).rows[0] ?? null
    const r = await ctx.db.query<{ from_number: string | null; daily_limit: number }>(
      `insert into text_settings (tenant_id, from_number, daily_limit) values ($1, $2, coalesce($3, 200))
       on conflict (tenant_id) do update set from_number = case when $4 then excluded.from_number else text_settings.from_number end,
         daily_limit = coalesce($3, text_settings.daily_limit)
       returning from_number, daily_limit`,
      [ctx.tenantId, number ?? null, input.daily_limit ?? null, input.from_number !== undefined],
    )
    await ctx.audit({ entityType: 'text_settings', entityId: ctx.tenantId, action: 'update', before, after: r.rows[0] })
    return r.rows[0]
  },
})

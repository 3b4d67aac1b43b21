import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { timestamp } from '../../kernel/output-types.js'
import { loadTenantSettings } from '../settings/model.js'
import { CONSENT_HOWS, isStopped, textingContact } from './consent.js'
import { e164Of } from './numbers.js'

const consentGiven = z.object({ at: timestamp, how: z.enum(CONSENT_HOWS) }).nullable()

/** A customer's texting: their number, how they hear from the business, their consents and whether they replied STOP. */
export const TEXT_CONSENT_RECORD = z.object({
  contact_id: z.uuid(),
  phone: z.string().nullable().describe('Their number as texts go to it (E.164); null when they have no valid mobile number'),
  message_channel: z.enum(['email', 'text', 'both']).describe('How they get confirmations, reminders and invoices'),
  service: consentGiven.describe('Their consent to visit texts (when and how), null when none'),
  marketing: consentGiven.describe('Their consent to marketing texts, null when none'),
  stopped: z.boolean().describe('They replied STOP: nothing is texted until they reply START'),
  time_zone: z.string().nullable().describe("Their own time zone for quiet hours; null: the business's"),
})

/** The record of one customer's texting. */
export async function consentRecord(tx: Queryable, contactId: string): Promise<z.infer<typeof TEXT_CONSENT_RECORD>> {
  const c = await textingContact(tx, contactId)
  if (!c) throw new Error(`contact ${contactId} vanished within its own transaction`)
  const phone = e164Of(c.phone, (await loadTenantSettings(tx)).timezone)
  return {
    contact_id: c.id,
    phone,
    message_channel: c.message_channel,
    service: c.service_at && c.service_how ? { at: new Date(c.service_at).toISOString(), how: c.service_how } : null,
    marketing: c.marketing_at && c.marketing_how ? { at: new Date(c.marketing_at).toISOString(), how: c.marketing_how } : null,
    stopped: phone ? await isStopped(tx, phone) : false,
    time_zone: c.time_zone,
  }
}

import type { Queryable } from '../../db/types.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { loadTenantSettings } from '../settings/model.js'
import { type ConsentKind, isStopped, type TextingContact, textingContact, textSettingsRow } from './consent.js'
import { e164Of } from './numbers.js'
import { textSettingsOf, textsOffReason } from './settings.js'

/** Why a customer may not be texted: the reason's kind, and its words. */
export type NotTextable = {
  why: 'no_customer' | 'no_business_number' | 'no_number' | 'stopped' | 'no_consent'
  words: string
}

/** A customer who may be texted, at this number. */
export interface Textable {
  contact: TextingContact
  phone: string
  fromNumber: string
  dailyLimit: number
}

/**
 * Whether a customer may be texted with this consent, the one rule every text keeps (a call, a page, delivery): the
 * business has a texting number, the customer a valid number that has not replied STOP, and the consent of the kind.
 */
export async function textableOrWhy(tx: Queryable, contactId: string, consent: ConsentKind): Promise<Textable | NotTextable> {
  const business = await textSettingsRow(tx)
  if (!business.from_number) {
    return {
      why: 'no_business_number',
      words: 'the business has no texting number yet: the owner sets it with text.update_settings (the Texts page)',
    }
  }
  const contact = await textingContact(tx, contactId)
  if (!contact) return { why: 'no_customer', words: `no customer ${contactId}` }
  const phone = e164Of(contact.phone, (await loadTenantSettings(tx)).timezone)
  if (!phone) return { why: 'no_number', words: `${contact.display_name} has no mobile number that can get texts` }
  if (await isStopped(tx, phone)) {
    return { why: 'stopped', words: `${contact.display_name} replied STOP: nothing is texted to ${phone} until they reply START` }
  }
  if (!(consent === 'service' ? contact.service_at : contact.marketing_at)) {
    const what = consent === 'service' ? 'texts' : 'marketing texts'
    return {
      why: 'no_consent',
      words: `${contact.display_name} has not agreed to ${what}: record their consent first (text.record_consent)`,
    }
  }
  return { contact, phone, fromNumber: business.from_number, dailyLimit: business.daily_limit }
}

/**
 * The customer's number when they may be texted now with this consent; otherwise a refusal that says why, for anyone
 * who asks (owner, technician or agent): texts off (UNAVAILABLE), no such customer (NOT_FOUND), or any other reason of
 * textableOrWhy (CONFLICT).
 */
export async function assertTextable(tx: Queryable, services: Services, contactId: string, consent: ConsentKind): Promise<string> {
  const off = textsOffReason(textSettingsOf(services))
  if (off) throw new AppError('UNAVAILABLE', `Texts are off: ${off}`)
  const found = await textableOrWhy(tx, contactId, consent)
  if ('why' in found) {
    const words = found.words.charAt(0).toUpperCase() + found.words.slice(1)
    throw new AppError(found.why === 'no_customer' ? 'NOT_FOUND' : 'CONFLICT', words, { contact_id: contactId })
  }
  return found.phone
}

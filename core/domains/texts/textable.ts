import type { Queryable } from '../../db/types.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { loadTenantSettings } from '../settings/model.js'
import { type ConsentKind, isStopped, textingContact, textSettingsRow } from './consent.js'
import { e164Of } from './numbers.js'
import { textSettingsOf, textsOffReason } from './settings.js'

/**
 * The customer's number when they may be texted now with this consent; otherwise a refusal that says why, for anyone
 * who asks (owner, technician or agent): texts off, no business number, no such customer, no mobile number, STOP, or
 * no consent of the kind.
 */
export async function assertTextable(tx: Queryable, services: Services, contactId: string, consent: ConsentKind): Promise<string> {
  const off = textsOffReason(textSettingsOf(services))
  if (off) throw new AppError('UNAVAILABLE', `Texts are off: ${off}`)
  if (!(await textSettingsRow(tx)).from_number) {
    throw new AppError('CONFLICT', 'The business has no texting number yet: the owner sets it with text.update_settings (the Texts page)')
  }
  const contact = await textingContact(tx, contactId)
  if (!contact) throw new AppError('NOT_FOUND', `No customer ${contactId}`, { contact_id: contactId })
  const phone = e164Of(contact.phone, (await loadTenantSettings(tx)).timezone)
  if (!phone) throw new AppError('CONFLICT', `${contact.display_name} has no mobile number that can get texts`, { contact_id: contactId })
  if (await isStopped(tx, phone)) {
    throw new AppError('CONFLICT', `${contact.display_name} replied STOP: nothing is texted to ${phone} until they reply START`, {
      contact_id: contactId,
    })
  }
  const given = consent === 'service' ? contact.service_at : contact.marketing_at
  if (!given) {
    throw new AppError(
      'CONFLICT',
      `${contact.display_name} has not agreed to ${consent === 'service' ? 'texts' : 'marketing texts'}: record their consent first (text.record_consent)`,
      { contact_id: contactId },
    )
  }
  return phone
}

import { businessCountry } from '../../vocabulary/business-country.js'
import { parsedPhone } from '../../vocabulary/phone.js'

/** A phone number as texts address it, E.164 (+12565550142), read in the business's country; null when it is not a valid number. */
export function e164Of(phone: string | null | undefined, timeZone: string): string | null {
  if (!phone?.trim()) return null
  const n = parsedPhone(phone.trim(), businessCountry(timeZone))
  return n?.isValid() ? n.number : null
}

/** The digits contacts.phone_key holds for an E.164 number: a North American number's ten, any other's code and number. */
export function phoneKeyOfE164(e164: string): string {
  const digits = e164.replace(/\D/g, '')
  return e164.startsWith('+1') ? digits.slice(1) : digits
}

/**
 * How a phone number is read, told apart from another and written, by the rules of its country (libphonenumber-js).
 * A number written without +country is read as one of the business's country; a business whose country is unknown
 * reads it by the North American plan, as the product always has. The `max` metadata is used: reading and matching
 * would do with `min` (codes, trunk prefixes, possible lengths), but writing a number in its country's form needs to
 * know the number is one the country uses, which only `max`'s full patterns tell (`min` wrote +64 91234567 for a
 * number New Zealand does not use); it is twice the size (150 KB), loaded once by the server.
 */
import { businessCountry } from './business-country.js'
import { type CountryCode, getCountryCallingCode, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max'

export type { CountryCode }

/** The country read when a business's own is unknown: the North American plan, the product's first rule. */
const FALLBACK_COUNTRY: CountryCode = 'US'

/** Every digit of a phone number as written, nothing else: what a partial phone search matches on. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '')
}

/** The number a phone reads as in the business's country, when it has a possible length there; null otherwise. */
export function parsedPhone(phone: string, country: CountryCode | undefined): PhoneNumber | null {
  if (!/\d/.test(phone)) return null
  const n = parsePhoneNumberFromString(phone, country ?? FALLBACK_COUNTRY)
  return n?.isPossible() ? n : null
}

/**
 * The digits that identify a phone number: its country calling code and national number ("020 7946 0958" in the
 * United Kingdom and "+44 20 7946 0958" are both 442079460958), except that a North American number is its ten
 * digits, as it was always stored ((256) 555-0142 and +1 256 555 0142 are 2565550142). A number that is not one of
 * a possible length is all its digits.
 */
export function phoneKey(phone: string, country?: CountryCode): string {
  const n = parsedPhone(phone, country)
  if (!n) return phoneDigits(phone)
  return n.countryCallingCode === '1' ? n.nationalNumber : `${n.countryCallingCode}${n.nationalNumber}`
}

/** The value the contacts.phone_key column holds for a list of phones: the key of the primary one (else the first). */
export function primaryPhoneKey(phones: { value: string; primary?: boolean }[], country: CountryCode | undefined): string | null {
  const primary = phones.find((p) => p.primary) ?? phones[0]
  return primary ? phoneKey(primary.value, country) || null : null
}

/**
 * The digits a phone search looks for: the national number of a number typed in any form ("+44 20 7946 0958" and
 * "020 7946 0958" both look for 2079460958, found inside either way of storing it); all its digits otherwise.
 */
export function phoneSearchDigits(phone: string, country?: CountryCode): string {
  return parsedPhone(phone, country)?.nationalNumber ?? phoneDigits(phone)
}

/**
 * A phone number as people write it in the business's country, the country told by the business's time zone (see
 * businessCountry): a number of that country, or of one sharing its calling code (the North American plan), in its
 * national form ((256) 555-0100 in the United States and Canada, 020 7946 0958 in the United Kingdom), any other with
 * its code (+1 256 555 0100 in London). A number its country does not use is shown as it was written.
 */
export function phoneAsWritten(phone: string, timeZone: string): string {
  const written = phone.trim()
  const country = businessCountry(timeZone)
  const n = parsedPhone(written, country)
  // A number no pattern of its country holds has no form there to be written in.
  if (!n?.isValid()) return written
  return country && n.countryCallingCode === getCountryCallingCode(country) ? n.formatNational() : n.formatInternational()
}

import { tenantCountry } from './business-country.js'
import type { Queryable } from '../db/types.js'
import { type CountryCode, phoneDigits, phoneSearchDigits } from './phone.js'
/** Only what a phone number is written with: digits, spaces, + ( ) . - */
const PHONE_CHARACTERS = /^[\d\s+().-]+$/

/**
 * A phone number typed with its country code ("+1 256 555 0142", "+44 20 7946 0958") or its country's trunk prefix
 * ("020 7946 0958" in the United Kingdom) as its national number, the digits found inside every way of storing it;
 * anything else as it is. Without this the country code made the digits miss every number stored without it, which
 * is how most are written.
 */
export function withoutCountryCode(q: string, country?: CountryCode): string {
  if (!PHONE_CHARACTERS.test(q)) return q
  const digits = phoneSearchDigits(q, country)
  return digits === phoneDigits(q) ? q : digits
}

/** withoutCountryCode by the rules of the transaction's business; its country is read only for a phone number. */
export async function phoneQueryOf(tx: Queryable, q: string): Promise<string> {
  return PHONE_CHARACTERS.test(q) ? withoutCountryCode(q, await tenantCountry(tx)) : q
}

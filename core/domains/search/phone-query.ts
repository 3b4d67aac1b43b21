import { phoneDigits, phoneKey } from '../../phone.js'
/** Only what a phone number is written with: digits, spaces, + ( ) . - */
const PHONE_CHARACTERS = /^[\d\s+().-]+$/

/**
 * A phone number typed with the North American country code ("+1 256 555 0142", "1-256-555-0142") as the ten digits
 * it is stored under; anything else as it is. Without this the leading 1 made the digits miss every number stored
 * without it, which is how most are written.
 */
export function withoutCountryCode(q: string): string {
  if (!PHONE_CHARACTERS.test(q)) return q
  const key = phoneKey(q)
  return key === phoneDigits(q) ? q : key
}

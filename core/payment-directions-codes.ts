import type { Found } from './payment-directions-rules.js'

/*
 * Account numbers and addresses that give payment directions on their own, with no word naming them: IBANs (any
 * country, the mod-97 check and the country's length), Mexican CLABEs (18 digits and their check digit), and crypto
 * addresses (Bitcoin, Ethereum, Tron). Each must stand alone: not inside a word, a longer number or a web address.
 * Gate codes, prices, phones, ZIP codes, dates and record numbers (INV-2026-0004) never have these shapes.
 */

/** The length of an IBAN in each country that issues them. */
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 ' +
    'FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 ' +
    'LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 ' +
    'RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 UA29 VA22 VG24 XK20 YE30'
  )
    .split(' ')
    .map((c) => [c.slice(0, 2), Number(c.slice(2))]),
)

/** The countries whose account part (after the four first characters) is digits only, per the IBAN registry. */
const DIGITS_ONLY_COUNTRIES = new Set(
  'AE AT BA BE CZ DE DK EE EG ES FI FO GL HR HU IL IS LT LY ME NO PL PT RS SD SE SI SK TL TN XK'.split(' '),
)

/**
 * Two letters and two digits, then up to 40 letters or digits, single spaces or dashes allowed between them; not
 * glued by a dash onto a code before it (the last groups of a UUID are no IBAN).
 */
const IBAN_SHAPED = /(?<![A-Za-z0-9]|[A-Za-z0-9]-)[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,40}/g
/** The word IBAN and the code written after it, whether or not the code is a valid one. */
const IBAN_NAMED = /\biban\b[\s:#.-]*(?:(?:is|es)\s+)?(?:(?:no|nr|number|numero)\.?[\s:#]*)?[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){4,34}/gi
const CLABE = /(?<![\w.,-])\d{18}(?![\w-]|[.,]\d)/g
/** Not inside a word, a web address or a longer code. */
const ALONE = String.raw`(?<![\w/=.?&#@$\-])`
const BITCOIN_LEGACY = new RegExp(String.raw`${ALONE}[13][1-9A-HJ-NP-Za-km-z]{25,34}(?!\w)`, 'g')
const BITCOIN_SEGWIT = new RegExp(String.raw`${ALONE}bc1[02-9ac-hj-np-z]{25,87}(?!\w)`, 'gi')
const ETHEREUM = new RegExp(String.raw`${ALONE}0x[0-9a-fA-F]{40}(?!\w)`, 'g')
const TRON = new RegExp(String.raw`${ALONE}T[1-9A-HJ-NP-Za-km-z]{33}(?!\w)`, 'g')

/** Every place in the readable text where an IBAN, a CLABE or a crypto address stands; the IBAN with its name first. */
export function codeFindings(text: string): Found[] {
  const found: Found[] = []
  for (const m of text.matchAll(IBAN_NAMED)) {
    const code = /[A-Za-z]{2}\d{2}/.exec(m[0])!
    const end = m.index + code.index + (validIbanLength(m[0].slice(code.index)) || lastDigitGroupEnd(m[0].slice(code.index)))
    found.push({ start: m.index, end, kind: 'an IBAN', rank: 0 })
  }
  IBAN_SHAPED.lastIndex = 0
  for (let m = IBAN_SHAPED.exec(text); m; m = IBAN_SHAPED.exec(text)) {
    const length = validIbanLength(m[0])
    if (length) found.push({ start: m.index, end: m.index + length, kind: 'an IBAN', rank: 1 })
    // A candidate that is no IBAN may have run into one: look again from its next character.
    IBAN_SHAPED.lastIndex = m.index + (length || 1)
  }
  for (const m of text.matchAll(CLABE)) if (clabeValid(m[0])) found.push(at(m, 'a CLABE account number'))
  for (const m of text.matchAll(BITCOIN_LEGACY)) if (mixed(m[0])) found.push(at(m, 'a crypto address'))
  for (const m of text.matchAll(BITCOIN_SEGWIT)) found.push(at(m, 'a crypto address'))
  for (const m of text.matchAll(ETHEREUM)) found.push(at(m, 'a crypto address'))
  for (const m of text.matchAll(TRON)) if (mixed(m[0])) found.push(at(m, 'a crypto address'))
  return found
}

const at = (m: RegExpExecArray, kind: string): Found => ({ start: m.index, end: m.index + m[0].length, kind, rank: 2 })

/** Base58 addresses mix capitals, small letters and digits; a word or a number does not. */
const mixed = (s: string) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s)

/**
 * The length, as written, of the longest valid IBAN that a candidate starts with, ending where a group ends (0 when
 * none): the candidate may run on into the words after it.
 */
function validIbanLength(candidate: string): number {
  for (let end = candidate.length; end >= 15; end--) {
    if (end < candidate.length && /[A-Za-z0-9]/.test(candidate[end])) continue
    const compact = candidate.slice(0, end).replace(/[ -]/g, '').toUpperCase()
    const country = compact.slice(0, 2)
    const expected = IBAN_LENGTHS[country]
    if (DIGITS_ONLY_COUNTRIES.has(country) && !/^\d+$/.test(compact.slice(4))) continue
    if (expected ? compact.length === expected : compact.length >= 15 && compact.length <= 34) {
      if (ibanChecksumValid(compact)) return end
    }
  }
  return 0
}

/** Whether a compact IBAN passes the ISO 13616 mod-97 check. */
export function ibanChecksumValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const c of rearranged) {
    const value = c <= '9' ? c : String(c.charCodeAt(0) - 55)
    for (const d of value) remainder = (remainder * 10 + Number(d)) % 97
  }
  return remainder === 1
}

/** Where the last group holding a digit ends: a code that fails its check still ends before the words after it. */
function lastDigitGroupEnd(code: string): number {
  let end = 0
  for (const g of code.matchAll(/[A-Za-z0-9]+/g)) if (/\d/.test(g[0])) end = g.index + g[0].length
  return end
}

/** Whether 18 digits pass the CLABE check digit (weights 3, 7, 1). */
export function clabeValid(digits: string): boolean {
  if (!/^\d{18}$/.test(digits)) return false
  const weights = [3, 7, 1]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (Number(digits[i]) * weights[i % 3]) % 10
  return (10 - (sum % 10)) % 10 === Number(digits[17])
}

/*
 * The rules that find card numbers and SSNs in free text. The database runs the same rules as the last defense
 * (redact_sensitive in migrations/0018_credits_and_redaction.sql); change both together.
 *
 * Text is first read through a same-length normalization: full-width and Arabic-Indic digits count as digits,
 * no-break, thin, figure and ideographic spaces and tabs as a space, Unicode dashes and the minus sign as "-", a
 * full-width full stop as ".", and "\r" as a line break. What is replaced is always the original text.
 *
 * A "run" is a maximal stretch of digit groups joined by separators: one to three spaces or line breaks, a dash with at
 * most one space or line break on each side ("4111 - 1111", "4111-\n1111"), or one dot. Groups are never split: a
 * card or SSN is always made of whole groups of a run.
 * A run is "attached" at an end when it continues a word or an identifier there: a letter right next to it, a "+"
 * right before it (an international phone), or one of - _ / # with a letter or digit beyond it ("INV-2026-0001",
 * "ORD_4111..."). A card or SSN may not touch an attached end. A run right after a word naming a card ("cc#",
 * "card:", "visa", "amex no.") is not attached at its start, so "cc#4111111111111111" is a card.
 *
 * Card: consecutive groups holding 13 to 19 digits that pass the Luhn check and do not start with 0, written
 *   - as one unbroken group not joined to its neighbours by a dot (so decimals such as 3.14159265358979323 stay), or
 *   - as cards are printed: a first group of 4 digits, middle groups of 4 to 6 and a last group of 1 to 6, joined by
 *     one separator throughout ("3782 822463 10005"); with mixed separators, groups of 4 and a last of 1 to 4
 *     ("4111-1111 1111.1111") or Amex's and Diners' 4-6-5 and 4-6-4, so a list of ZIP+4 codes never adds up to a card; or
 *   - wrapped across lines: two or three groups of at least 4 digits, one of at least 8, with a line break between
 *     two of them ("4111111111\n111111").
 *   Within a run the leftmost, then longest, card is taken, so trailing numbers (an expiry date) are left alone.
 *   The printed layout keeps lists of phones (3-3-4 groups), ZIP+4 codes (5-4), dates (4-2-2) and order numbers
 *   such as 112-4567890-1234567 from ever adding up to a "card".
 * SSN: three groups of 3, 2 and 4 digits joined by dashes or dots, with no further dash- or dot-joined group on
 *   either side ("123-45-6789", "123.45.6789"; "555-123-45-6789" is not one).
 *   Nine bare digits ("123456789") or "123 45 6789" are NOT redacted on their own: they are indistinguishable from a
 *   ZIP+4 without its dash, an order, routing or account number, or part of a phone number. They are redacted only
 *   when the text right before them names them as an SSN ("SSN 123456789", "social security number: 123 45 6789").
 * Phones, ZIP and ZIP+4 codes, dates, times, money, UUIDs, invoice numbers (INV-2026-0001) and ticket numbers never match.
 */

/** The text that replaces a card number or an SSN. */
export const REDACTED = '[REDACTED]'

/** A kind of sensitive data the redaction finds. */
export type SensitiveKind = 'card' | 'ssn'

/** How many of one kind were replaced. */
export interface Finding {
  kind: SensitiveKind
  count: number
}

/** Characters read as another, one for one: [from, to]. The database's translate() uses the same two lists. */
export const NORMALIZE_FROM =
  '０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹\t\u00a0\u2002\u2003\u2007\u2009\u202f\u3000\u2010\u2011\u2012\u2013\u2014\u2212\uff0d\uff0e\r'
export const NORMALIZE_TO = '012345678901234567890123456789        -------.\n'

const MAP = new Map([...NORMALIZE_FROM].map((c, i) => [c, NORMALIZE_TO[i]]))

const RUN = /[0-9]+(?:(?:[ \n]{1,3}|[ \n]?-[ \n]?|\.)[0-9]+)*/g
const GROUP = /([0-9]+)([^0-9]*)/g
const SSN_NAMED_BEFORE = /(?:^|[^a-z])(?:ssn|ss#|social security(?: (?:number|num|no))?)[^a-z0-9]{0,4}(?:(?:is|was) )?$/i
const CARD_NAMED_BEFORE =
  /(?:^|[^a-z])(?:cc|card|credit card|debit card|visa|mastercard|mc|amex|discover)(?: ?(?:#|no\.?|num|number))?[^a-z0-9]{0,3}$/i

/** Every character NORMALIZE_FROM holds is a tab, a carriage return or beyond ASCII: text with none is left as it is. */
const MAYBE_SPECIAL = /[\t\r\u0080-\uffff]/

/** A digit as the normalization reads one: text without any holds no run, so no card or SSN. */
const ANY_DIGIT = /[0-9０-９٠-٩۰-۹]/

/** An SSN has 9 digits and a card 13 to 19: a run with fewer holds neither. */
const FEWEST_DIGITS = 9

/**
 * Nine digits of one run (RUN's separators between any two of them): text without them holds no card or SSN. Ids and
 * amounts (a uuid's digit runs are short) are then answered without a match of RUN each.
 */
const NINE_IN_A_RUN = /[0-9](?:(?:[ \n]{1,3}|[ \n]?-[ \n]?|\.)?[0-9]){8}/

/** The text with each special digit, space and dash read as its plain form; the same length as the input. */
export function normalizeForRedaction(text: string): string {
  if (!MAYBE_SPECIAL.test(text)) return text
  let out = ''
  for (let i = 0; i < text.length; i++) out += MAP.get(text[i]) ?? text[i]
  return out
}

/** Replaces card numbers and SSNs in text with [REDACTED]; pure, and the same rules as the database function. */
export function redactSensitive(text: string): { text: string; findings: Finding[] } {
  // Most texts (names, notes, ids) hold no digit, or only short runs: they are answered without building anything.
  if (!ANY_DIGIT.test(text)) return { text, findings: [] }
  const norm = normalizeForRedaction(text)
  if (!NINE_IN_A_RUN.test(norm)) return { text, findings: [] }
  let cards = 0
  let ssns = 0
  let out = ''
  let copied = 0
  let previousEnd = 0
  for (const m of norm.matchAll(RUN)) {
    const start = m.index
    const end = start + m[0].length
    const prefix = norm.slice(previousEnd, start)
    previousEnd = end
    if (digitCount(m[0]) < FEWEST_DIGITS) continue
    const gluedStart = attachedBefore(norm, start) && !CARD_NAMED_BEFORE.test(prefix)
    for (const span of spansOf(m[0], prefix, gluedStart, attachedAfter(norm, end))) {
      out += text.slice(copied, start + span.from) + REDACTED
      copied = start + span.to
      if (span.kind === 'card') cards++
      else ssns++
    }
  }
  if (!cards && !ssns) return { text, findings: [] }
  out += text.slice(copied)
  const findings: Finding[] = []
  if (cards) findings.push({ kind: 'card', count: cards })
  if (ssns) findings.push({ kind: 'ssn', count: ssns })
  return { text: out, findings }
}

function digitCount(run: string): number {
  let n = 0
  for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) >= 48 && run.charCodeAt(i) <= 57) n++
  return n
}

/** Whether digits pass the Luhn check (card numbers do; most other long numbers do not). */
export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

const isLetter = (c: string) => /^[A-Za-z]$/.test(c)
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c)

function attachedBefore(text: string, start: number): boolean {
  const c1 = text.charAt(start - 1)
  const c2 = start >= 2 ? text.charAt(start - 2) : ''
  return isLetter(c1) || c1 === '+' || (c1 !== '' && '-_/#'.includes(c1) && isAlnum(c2))
}

function attachedAfter(text: string, end: number): boolean {
  const a1 = text.charAt(end)
  return isLetter(a1) || (a1 !== '' && '-_/#'.includes(a1) && isAlnum(text.charAt(end + 1)))
}

/** A redacted stretch of a run: offsets within the run. */
interface Span {
  first: number
  last: number
  kind: SensitiveKind
}

/** The cards and SSNs inside one run, as offsets; prefix is the text between the previous run and this one. */
function spansOf(
  run: string,
  prefix: string,
  gluedStart: boolean,
  gluedEnd: boolean,
): Array<{ from: number; to: number; kind: SensitiveKind }> {
  const groups: string[] = []
  const seps: string[] = []
  const at: number[] = []
  for (const g of run.matchAll(GROUP)) {
    groups.push(g[1])
    seps.push(g[2])
    at.push(g.index)
  }
  const n = groups.length
  const spans: Span[] = []
  const touchesGlue = (i: number, j: number) => (i === 0 && gluedStart) || (j === n - 1 && gluedEnd)

  for (let i = 0; i < n; i++) {
    // Every group holds a digit, so a card (at most 19 digits) spans at most 19 groups.
    for (let j = Math.min(n - 1, i + 18); j >= i; j--) {
      if (touchesGlue(i, j) || !cardLayout(groups, seps, i, j)) continue
      const digits = groups.slice(i, j + 1).join('')
      if (digits.length < 13 || digits.length > 19 || digits[0] === '0' || !luhnValid(digits)) continue
      spans.push({ first: i, last: j, kind: 'card' })
      i = j
      break
    }
  }

  // Chunks of groups joined by a single dash or dot; an SSN is a whole chunk of 3, 2 and 4 digits.
  for (let a = 0; a < n; ) {
    let b = a
    while (b < n - 1 && (seps[b] === '-' || seps[b] === '.')) b++
    const free = !spans.some((s) => s.last >= a && s.first <= b)
    if (free && b - a === 2 && groups[a].length === 3 && groups[a + 1].length === 2 && groups[b].length === 4 && !touchesGlue(a, b)) {
      spans.push({ first: a, last: b, kind: 'ssn' })
    }
    a = b + 1
  }

  // Nine digits named as an SSN by the words right before them; the name itself may touch the digits.
  if (!spans.length && !gluedEnd && SSN_NAMED_BEFORE.test(prefix)) {
    const lengths = groups.map((g) => g.length).join(',')
    if (lengths === '9' || lengths === '3,2,4') spans.push({ first: 0, last: n - 1, kind: 'ssn' })
  }

  return spans.sort((x, y) => x.first - y.first).map((s) => ({ from: at[s.first], to: at[s.last] + groups[s.last].length, kind: s.kind }))
}

/** Whether groups i..j are written the way a card is: unbroken, printed, or wrapped across lines. */
function cardLayout(groups: string[], seps: string[], i: number, j: number): boolean {
  if (i === j) return !(i > 0 && seps[i - 1] === '.') && seps[j] !== '.'
  if (groups[i].length === 4 && groups[j].length <= 6) {
    // One separator throughout allows 4-6 digit middle groups; mixed separators only groups of 4, or Amex's and
    // Diners' 4-6-5 and 4-6-4.
    const mixed = seps.slice(i, j).some((s) => s !== seps[i])
    const sizes = groups
      .slice(i, j + 1)
      .map((g) => g.length)
      .join(',')
    let printed = !mixed || groups[j].length <= 4 || sizes === '4,6,5'
    for (let k = i + 1; k < j; k++)
      if (groups[k].length < 4 || groups[k].length > 6 || (mixed && groups[k].length !== 4 && sizes !== '4,6,5' && sizes !== '4,6,4'))
        printed = false
    if (printed) return true
  }
  if (j - i > 2) return false
  const parts = groups.slice(i, j + 1)
  return parts.every((g) => g.length >= 4) && parts.some((g) => g.length >= 8) && seps.slice(i, j).some((s) => s.includes('\n'))
}

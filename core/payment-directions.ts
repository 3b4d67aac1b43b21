import { codeFindings } from './payment-directions-codes.js'
import { type Found, wordFindings } from './payment-directions-rules.js'
import { readableText } from './payment-directions-text.js'

/*
 * The one place that says whether a text tells its reader where or how to pay: bank and IBAN details, wires,
 * payment apps, crypto, gift cards, checks to someone, "our bank details changed", a link to pay somewhere else. Text
 * a customer reads that carries such directions waits for the owner's approval, because redirecting payment is how a
 * stolen token or a manipulated agent steals from the business's customers.
 *
 * The text is first folded (core/payment-directions-text.ts), then read by the word rules
 * (core/payment-directions-rules.ts) and for account numbers and addresses (core/payment-directions-codes.ts).
 * Where findings overlap, the most specific rule's stays (a Zelle handle rather than "pay ... to"); findings of one kind
 * that touch are one place ("PayPal" and the paypal.me address after it).
 */

/** One place where a text gives payment directions: the words as written and what they are, e.g. {phrase: 'IBAN GB33 BUKB 2020 1555 5555 55', kind: 'an IBAN'}. */
export interface PaymentDirection {
  phrase: string
  kind: string
}

/** The longest phrase quoted, in characters; a longer place is cut with an ellipsis. */
const PHRASE_MAX = 80
/** Between two findings of one kind that make one place: spaces and a little punctuation. */
const JOINER = /^[\s:#.,-]{0,3}$/
const INVISIBLE = /\p{Cf}/gu
const LINE_BREAKS = /[ \t]*[\r\n\u2028\u2029]+[ \t]*/g
const EDGE_PUNCTUATION = /^[\s.,;:!?]+|[\s.,;:!?]+$/g

/** The payment directions a text carries (empty when none): bank, IBAN, routing or account numbers, wire, Zelle, Venmo, Cash App, PayPal, crypto, "our bank details changed", in English and Spanish. */
export function paymentDirectionsIn(text: string): PaymentDirection[] {
  if (!text) return []
  const readable = readableText(text)
  const places = joinTouching(mostSpecific([...codeFindings(readable.text), ...wordFindings(readable.text)]), readable.text)
  return places.map((f) => ({
    phrase: quote(text.slice(readable.from[f.start], readable.to[f.end - 1])),
    kind: f.kind,
  }))
}

/** Of findings that overlap, the one of the most specific rule (the lowest rank), then the first; in the order of the text. */
function mostSpecific(found: Found[]): Found[] {
  const kept: Found[] = []
  for (const f of [...found].sort((a, b) => a.rank - b.rank || a.start - b.start)) {
    if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f)
  }
  return kept.sort((a, b) => a.start - b.start)
}

function joinTouching(found: Found[], text: string): Found[] {
  const out: Found[] = []
  for (const f of found) {
    const last = out[out.length - 1]
    if (last && last.kind === f.kind && JOINER.test(text.slice(last.end, f.start))) {
      last.end = f.end
    } else {
      out.push({ ...f })
    }
  }
  return out
}

/** The written words on one line, without invisible characters or the punctuation around them, at most PHRASE_MAX characters. */
function quote(written: string): string {
  const phrase = written.replace(INVISIBLE, '').replace(LINE_BREAKS, ' ').replace(EDGE_PUNCTUATION, '')
  return phrase.length <= PHRASE_MAX ? phrase : `${phrase.slice(0, PHRASE_MAX - 1).trimEnd()}…`
}

import { channelFindings, type OwnChannels } from './channels.js'
import { payingFindings } from './paying-words.js'
import { readableViews } from './readable.js'

export type { OwnChannels }

/*
 * The one place that says which of an agent's words customers may read only once the owner saw them: words that point a
 * customer at any way to reach or pay someone but the business (a phone, an address, a link, a handle, an account or
 * wallet number that is not the business's own or the customer's), words about paying (the owner's block, rendered by
 * the product), and in a name any digit. Text is read as a customer sees it (core/text/customer-words/readable.ts).
 */

/** Why a place in a text waits for the owner: a channel not the business's, words about paying, or a number in a name. */
export type HeldReason = 'channel' | 'paying' | 'name'

/** One place in a text that waits for the owner: the words as written and what they are. */
export interface HeldWords {
  phrase: string
  kind: string
  reason: HeldReason
}

/** How a field's words are read: free words, or a name (of a person, an organization, a service), which carries no digit. */
export type WordsAs = 'words' | 'name'

/** The longest phrase quoted, in characters; a longer place is cut with an ellipsis. */
const PHRASE_MAX = 80
const INVISIBLE = /\p{Cf}/gu
/** Characters that make text read in another order than it is written (embeddings, overrides, isolates). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g
const LINE_BREAKS = /[ \t]*[\r\n\u2028\u2029]+[ \t]*/g
const EDGE_PUNCTUATION = /^[\s.,;:!?]+|[\s.,;:!?]+$/g

/** Texts read lately for one set of own channels (a call's, read again by its card): at most this many are kept. */
const REMEMBERED = 256
const lately = new WeakMap<OwnChannels, Map<string, HeldWords[]>>()

/** The places in a text that wait for the owner (empty when none), in the order of the text. */
export function heldWordsIn(written: string, own: OwnChannels, as: WordsAs = 'words'): HeldWords[] {
  if (!written?.trim()) return []
  let seen = lately.get(own)
  if (!seen) lately.set(own, (seen = new Map()))
  const key = `${as}\u0000${written}`
  const known = seen.get(key)
  if (known) return known
  if (seen.size >= REMEMBERED) seen.clear()
  const found = readHeldWords(written, own, as)
  seen.set(key, found)
  return found
}

function readHeldWords(written: string, own: OwnChannels, as: WordsAs): HeldWords[] {
  const { plain, words } = readableViews(written)
  const spans: Array<{ start: number; end: number; kind: string; reason: HeldReason }> = []
  for (const f of channelFindings(plain, own, written))
    spans.push({ start: plain.from[f.start], end: plain.to[f.end - 1], kind: f.kind, reason: 'channel' })
  for (const f of payingFindings(words.text))
    spans.push({ start: words.from[f.start], end: words.to[f.end - 1], kind: f.kind, reason: 'paying' })
  if (as === 'name') {
    for (const m of plain.text.matchAll(/\d+/g)) {
      spans.push({ start: plain.from[m.index], end: plain.to[m.index + m[0].length - 1], kind: 'a number in a name', reason: 'name' })
    }
  }
  // Text shown in another order than it is written ("moc.yap-wcr" behind a right-to-left override) hides what it says.
  for (const m of written.matchAll(BIDI_CONTROLS))
    spans.push({ start: m.index, end: written.length, kind: 'text shown reversed', reason: 'channel' })
  const kept: typeof spans = []
  for (const s of spans.sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s)
  }
  return kept.map((s) => ({ phrase: quote(written.slice(s.start, s.end)), kind: s.kind, reason: s.reason }))
}

/** The written words on one line, without invisible characters or the punctuation around them, at most PHRASE_MAX characters. */
function quote(written: string): string {
  const phrase = written.replace(INVISIBLE, '').replace(LINE_BREAKS, ' ').replace(EDGE_PUNCTUATION, '')
  return phrase.length <= PHRASE_MAX ? phrase : `${phrase.slice(0, PHRASE_MAX - 1).trimEnd()}…`
}

import { editDistance } from '../../text/words.js'
import { type CountryCode, phoneKey } from '../../vocabulary/phone.js'

/** A contact hit of the universal search, as ranking needs it. */
export interface ContactHit {
  name: string
  matched: string
  detail: string
  score: number
  /** A question's closest contact: the parts it satisfies and those it does not (see searchQuery). */
  held?: string[]
  missing?: string[]
}

/** How well a contact answers the words looked for: a score from 0 to 1 and why, in a few words. */
export interface CustomerRank {
  score: number
  why: string
}

/** A score from which a match is close enough to act on. */
export const CLOSE = 0.85

/**
 * Ranks one contact hit for the words someone typed: the exact full name 1 (words in another order 0.97), every word
 * of the name 0.92, less 0.03 a letter off, 0.04 a word given only by its start, 0.02 when the name has more words,
 * at most 0.8 for one word of a longer name, unless it is the whole first word and `firstNames` (how many customers'
 * names begin with it, as the search counts them) is 1 or more: then 0.88, alike for each customer who has it; the
 * whole phone number 0.97 and its last digits 0.9; the email 0.97; the street 0.88; a part of the name 0.4 to 0.7; and
 * anything else found (a note, an attribute, a fuzzy match) at most 0.7.
 */
export function rankCustomer(q: string, hit: ContactHit, question?: string, country?: CountryCode, firstNames?: number): CustomerRank {
  const wanted = q.trim().toLowerCase()
  const digits = phoneKey(wanted, country)
  if (hit.matched === 'question') return { score: round(Math.min(hit.score, 0.9)), why: question ?? 'every part of the question' }
  if (hit.matched === 'closest') return { score: round(Math.min(hit.score, 0.7)), why: partsWhy(hit.held ?? [], hit.missing ?? []) }
  if (hit.matched === 'phone' && digits.length >= 4) {
    const phone = phoneKey(hit.detail.match(/^phone ([^·]+)/)?.[1] ?? '', country)
    if (phone.endsWith(digits)) {
      return digits.length >= 10
        ? { score: 0.97, why: 'phone number' }
        : { score: digits.length >= 7 ? 0.93 : 0.9, why: `phone ends ${digits}` }
    }
    return { score: 0.75, why: `phone has ${digits}` }
  }
  if (wanted.includes('@')) {
    const email = /(^|[\s·])email\s/.test(hit.detail) || hit.detail.toLowerCase().includes(wanted)
    return hit.detail.toLowerCase().includes(wanted) && email ? { score: 0.97, why: 'email' } : { score: 0.6, why: 'email like it' }
  }
  const name = nameRank(wordsOf(wanted), wordsOf(hit.name), firstNames ?? 0)
  if (name && name.score >= CLOSE) return name
  if (hit.detail.startsWith('address ')) {
    const line = hit.detail.toLowerCase()
    const all = wordsOf(wanted).every((w) => line.includes(w))
    return { score: all ? 0.88 : 0.6, why: all ? 'street' : 'street like it' }
  }
  if (name) return name
  return { score: round(Math.min(hit.score, hit.matched === 'name' ? 0.6 : 0.7)), why: otherWhy(hit) }
}

/** Why a hit found neither by name, phone, email nor street matched: a note, an attribute, a tag, a name like it. */
function otherWhy(hit: ContactHit): string {
  if (hit.matched === 'name') return 'name like it'
  if (hit.matched === 'note') return 'note'
  if (hit.matched === 'fuzzy') return 'something like it'
  if (hit.detail.startsWith('email ')) return 'email'
  if (hit.detail.startsWith('tag ')) return 'tag'
  const attribute = hit.detail.match(/^([a-z0-9 ]+): /)
  return attribute ? `attribute: ${attribute[1]}` : 'words'
}

/** Which parts of a question held and which did not, e.g. "elderly, Owens Cross Roads; nothing says woman". */
export function partsWhy(held: string[], missing: string[]): string {
  return [held.join(', '), missing.join('; ')].filter(Boolean).join('; ')
}

/** What a question's hit satisfies, in a few words, from how the question was read (a search's read_as). */
export function questionWhy(readAs: Record<string, any>): string {
  const parts: string[] = []
  if (readAs.place) parts.push(`in ${readAs.place}`)
  if (readAs.postal_code) parts.push(`in ${readAs.postal_code}`)
  if (readAs.street) parts.push('street')
  for (const a of readAs.attributes ?? []) parts.push(String(a))
  if (readAs.service || readAs.between)
    parts.push(`had ${readAs.service ?? 'a visit'}${readAs.between ? ` ${readAs.between[0]} to ${readAs.between[1]}` : ''}`)
  for (const n of readAs.names ?? []) parts.push(`name or words: ${n}`)
  return parts.join('; ')
}

/** The name's rank when the words meet it, else null; `firstNames`: how many customers' names begin with the one word given. */
function nameRank(query: string[], name: string[], firstNames: number): CustomerRank | null {
  if (!query.length || !name.length) return null
  if (query.join(' ') === name.join(' ')) return { score: 1, why: 'exact name' }
  if (query.length === name.length && [...query].sort().join(' ') === [...name].sort().join(' '))
    return { score: 0.97, why: 'exact name, words in another order' }
  const used = new Set<number>()
  let typos = 0
  let prefixes = 0
  let met = 0
  for (const w of query) {
    const found = bestWord(w, name, used)
    if (!found) continue
    used.add(found.at)
    met += 1
    typos += found.cost
    if (found.prefix) prefixes += 1
  }
  if (met === query.length) {
    const score = 0.92 - 0.03 * typos - 0.04 * prefixes - (name.length > query.length ? 0.02 : 0)
    const why = typos ? `name: ${typos} letter${typos === 1 ? '' : 's'} off` : prefixes ? 'name starts like it' : 'every word of the name'
    // One word of a longer name ("smith") names nobody in particular, unless it is a first name: one customer's alone
    // names them; several customers' names them all, for the caller to choose from.
    if (query.length === 1 && name.length > 1) {
      if (firstNames && used.has(0) && !typos && !prefixes) return firstNameRank(firstNames)
      return { score: round(Math.min(score, 0.8)), why: `one word of the name${typos ? `, ${why}` : ''}` }
    }
    return { score: round(score), why }
  }
  if (!met) return null
  const part = name.filter((_, at) => used.has(at)).join(' ')
  return { score: round(0.4 + 0.3 * (met / query.length)), why: `partial name: ${part}` }
}

/** A whole first name's rank: close; when several customers have it, each alike, so the caller chooses among them. */
function firstNameRank(customers: number): CustomerRank {
  return { score: 0.88, why: customers === 1 ? 'first name, no other customer has it' : `first name, shared by ${customers} customers` }
}

/** The unused name word a query word meets best: equal, then as its start, then with a typo (1, or 2 in 8+ letters). */
function bestWord(w: string, name: string[], used: Set<number>): { at: number; cost: number; prefix: boolean } | null {
  const free = name.map((n, at) => ({ n, at })).filter(({ at }) => !used.has(at))
  const equal = free.find(({ n }) => n === w)
  if (equal) return { at: equal.at, cost: 0, prefix: false }
  const start = w.length >= 2 ? free.find(({ n }) => n.startsWith(w)) : undefined
  if (start) return { at: start.at, cost: 0, prefix: true }
  if (w.length < 4) return null
  const typo = free
    .map(({ n, at }) => ({ at, cost: editDistance(w, n) }))
    .filter((t) => t.cost <= (w.length >= 8 ? 2 : 1))
    .sort((a, b) => a.cost - b.cost)[0]
  return typo ? { ...typo, prefix: false } : null
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

import { stem } from '../../text/words.js'
import { readPeriod } from './time-phrases.js'

/** How a search's words were read: each part a customer must satisfy (all of them). */
export interface Reading {
  /** Words looked for as a name, or anywhere in a customer's record and notes. */
  names: string[]
  /** A town or city of an active address, as the business wrote it. */
  place: string | null
  postal_code: string | null
  /** Words of a street, e.g. "oak" from "on Oak St". */
  street: string | null
  /** Words looked for in attribute keys and values and in notes; each one must be found. */
  attributes: string[]
  /** A service of the catalog, by its catalog name. */
  service: string | null
  service_id: string | null
  /** Inclusive dates (YYYY-MM-DD, business time zone) of a booked or completed ticket. */
  between: [string, string] | null
}

/** Which of the given words are attribute words of some customer (kind trait) and which places ('city:...') some customer has. */
export type VocabularyLookup = (words: string[], places: string[]) => Promise<Array<{ kind: string; value: string }>>

/** A service of the catalog, as a question may name it. */
export interface CatalogService {
  id: string
  name: string
}

/** Words that carry no part of a question. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'customer',
  'customers',
  'client',
  'clients',
  'people',
  'person',
  'who',
  'whom',
  'whose',
  'that',
  'which',
  'had',
  'has',
  'have',
  'having',
  'got',
  'get',
  'did',
  'done',
  'do',
  'with',
  'in',
  'on',
  'at',
  'of',
  'for',
  'from',
  'and',
  'or',
  'any',
  'all',
  'every',
  'our',
  'my',
  'me',
  'show',
  'find',
  'list',
  'give',
  'is',
  'are',
  'was',
  'were',
  'be',
  'there',
  'someone',
  'anyone',
  'owner',
  'owners',
  'living',
  'lives',
  'live',
  'out',
  'near',
  'around',
  'by',
  'to',
  'named',
  'called',
  'their',
  'her',
  'his',
  'she',
  'he',
  'they',
  'some',
])

/** People words: read only as attribute or note words, never guessed from names. */
const PEOPLE_WORDS = new Set([
  'woman',
  'women',
  'man',
  'men',
  'lady',
  'ladies',
  'gentleman',
  'elderly',
  'senior',
  'seniors',
  'old',
  'older',
  'young',
  'widow',
  'widower',
  'retired',
  'disabled',
  'veteran',
  'couple',
  'family',
])

/** Last words of a street name. */
const STREET_WORDS = new Set([
  'st',
  'street',
  'dr',
  'drive',
  'rd',
  'road',
  'ln',
  'lane',
  'ave',
  'avenue',
  'blvd',
  'boulevard',
  'ct',
  'court',
  'way',
  'cir',
  'circle',
  'pkwy',
  'parkway',
  'pl',
  'trl',
  'trail',
  'hwy',
  'highway',
])

/** An empty reading. */
export function emptyReading(): Reading {
  return { names: [], place: null, postal_code: null, street: null, attributes: [], service: null, service_id: null, between: null }
}

/**
 * Whether a reading is a question: a service or a period, or two parts or more (a place, a ZIP code, a street, each
 * attribute word, names). One part alone ("Madison", "oak st", "dog", "jane smith") is looked up as words, which also
 * finds a customer named like it.
 */
export function isQuestion(r: Reading): boolean {
  if (r.service_id || r.between) return true
  const parts = [r.place, r.postal_code, r.street].filter(Boolean).length + r.attributes.length + (r.names.length ? 1 : 0)
  return parts >= 2
}

/**
 * Whether a reading is names and people words only ("Melissa Young" reads as melissa, with "young"): when such a
 * question finds nobody, the words may be a name after all.
 */
export function mayBeName(r: Reading): boolean {
  return (
    r.names.length > 0 &&
    r.attributes.length > 0 &&
    r.attributes.every((a) => PEOPLE_WORDS.has(a)) &&
    !r.place &&
    !r.postal_code &&
    !r.street &&
    !r.service_id &&
    !r.between
  )
}

/** Whether the words are a phone number, an email, a ticket or invoice number: looked up as they are, never read. */
export function isLookup(q: string): boolean {
  return q.includes('@') || /^[\s\d().+#-]+$/.test(q) || /^[a-z]{2,5}-\d{4}-\d+$/i.test(q.trim())
}

/**
 * Reads a plain question without a model: a period ("last spring", relative to today in the business's time zone),
 * a postal code, a service of the catalog, a town or city some customer has an address in, a street, attribute and
 * people words (a word some customer's attributes hold, or a people word), and the rest as names. Stop words drop.
 */
export async function readByRules(q: string, today: string, catalog: CatalogService[], vocabulary: VocabularyLookup): Promise<Reading> {
  const reading = emptyReading()
  let text = ` ${q
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `
  const period = readPeriod(text, today)
  if (period) {
    reading.between = [period.from, period.to]
    text = text.replace(period.phrase, ' ')
  }
  const postal = text.match(/ (\d{5})(?:-\d{4})? /)
  if (postal) {
    reading.postal_code = postal[1]
    text = text.replace(postal[0], ' ')
  }
  let words = text.split(/[\s-]+/).filter(Boolean)
  const service = serviceIn(words, catalog)
  if (service) {
    reading.service = service.service.name
    reading.service_id = service.service.id
    words = words.filter((_, i) => !service.positions.has(i))
  }
  // An address line, a house number to a street word ("5255 old madison pike rd"), is one street: a town named inside it
  // (Madison) is part of the street's name, not where the customer lives.
  if (words.length >= 3 && /^\d+$/.test(words[0]) && STREET_WORDS.has(words[words.length - 1])) {
    reading.street = words.slice(1, -1).join(' ')
    return reading
  }
  // Candidate places and attribute words, checked against the business's own data in one statement.
  const grams = (n: number) =>
    words
      .slice(0, words.length - n + 1)
      .map((_, i) => words.slice(i, i + n))
      .filter((g) => !STOP_WORDS.has(g[0]) && !STOP_WORDS.has(g[g.length - 1]))
      .map((g) => g.join(' '))
  const placeCandidates = [4, 3, 2, 1].flatMap(grams)
  const wordCandidates = [...grams(2), ...words.filter((w) => !STOP_WORDS.has(w) && !/^\d+$/.test(w))]
  const known = await vocabulary(
    wordCandidates,
    placeCandidates.map((p) => `city:${p}`),
  )
  const places = new Set(known.filter((r) => r.kind === 'place').map((r) => r.value.slice(5)))
  const traits = new Set(known.filter((r) => r.kind === 'trait').map((r) => r.value))
  const place = placeCandidates.find((p) => places.has(p))
  if (place) {
    reading.place = titleCase(place)
    words = without(words, place)
  } else {
    // "in <words>" at the end names a place even when no customer has an address there yet.
    const tail = text.match(/ in ([a-z]+(?: [a-z]+){0,2}) $/)
    if (tail?.[1].split(' ').every((w) => !STOP_WORDS.has(w) && !PEOPLE_WORDS.has(w) && !traits.has(w))) {
      reading.place = titleCase(tail[1])
      words = without(words, tail[1])
    }
  }
  const street = streetIn(words)
  if (street) {
    reading.street = street.words
    words = words.filter((_, i) => !street.positions.has(i))
  }
  const rest: string[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    if (STOP_WORDS.has(w)) continue
    const pair = i + 1 < words.length ? `${w} ${words[i + 1]}` : ''
    // People words stand alone: "elderly woman" is two things to find, not one phrase.
    if (pair && traits.has(pair) && !PEOPLE_WORDS.has(w) && !PEOPLE_WORDS.has(words[i + 1])) {
      reading.attributes.push(pair)
      i += 1
    } else if (PEOPLE_WORDS.has(w) || traits.has(w)) reading.attributes.push(w)
    else rest.push(w)
  }
  if (rest.length) reading.names = [rest.join(' ')]
  return reading
}

/** The words and places readByRules checks against the business's data to read q (none when it reads q without them). */
export async function vocabularyAsked(q: string, today: string, catalog: CatalogService[]): Promise<{ words: string[]; places: string[] }> {
  let asked: { words: string[]; places: string[] } = { words: [], places: [] }
  await readByRules(q, today, catalog, async (words, places) => {
    asked = { words, places }
    return []
  })
  return asked
}

/** The catalog service whose every word (outside parentheses) is in the question (stemmed, one typo in long words); the longest wins. */
function serviceIn(words: string[], catalog: CatalogService[]): { service: CatalogService; positions: Set<number> } | null {
  const stems = words.map(stem)
  let best: { service: CatalogService; positions: Set<number> } | null = null
  for (const service of catalog) {
    const own = service.name
      .toLowerCase()
      .replace(/\([^)]*\)/g, ' ')
      .split(/[^a-z0-9]+/)
      .filter((w) => w && !STOP_WORDS.has(w))
      .map(stem)
    if (!own.length) continue
    const positions = new Set<number>()
    for (const w of own) {
      const at = stems.findIndex((s, i) => !positions.has(i) && (s === w || (w.length >= 5 && s.length >= 5 && oneEditApart(s, w))))
      if (at < 0) break
      positions.add(at)
    }
    if (positions.size === own.length && (!best || own.length > best.positions.size)) best = { service, positions }
  }
  return best
}

/** Words before a street word ("oak st", "4210 whitesburg dr"), up to two, as the street's words without the street word. */
function streetIn(words: string[]): { words: string; positions: Set<number> } | null {
  const at = words.findIndex((w, i) => i > 0 && STREET_WORDS.has(w) && !STOP_WORDS.has(words[i - 1]))
  if (at < 0) return null
  const start = at >= 2 && !STOP_WORDS.has(words[at - 2]) && !PEOPLE_WORDS.has(words[at - 2]) ? at - 2 : at - 1
  const picked = words.slice(start, at).filter((w) => !/^\d+$/.test(w))
  if (!picked.length) return null
  return { words: picked.join(' '), positions: new Set(Array.from({ length: at - start + 1 }, (_, k) => start + k)) }
}

function without(words: string[], phrase: string): string[] {
  const parts = phrase.split(' ')
  const at = words.findIndex((_, i) => parts.every((p, k) => words[i + k] === p))
  return at < 0 ? words : [...words.slice(0, at), ...words.slice(at + parts.length)]
}

function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

function titleCase(text: string): string {
  return text.replace(/\b[a-z]/g, (c) => c.toUpperCase())
}

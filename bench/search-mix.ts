import type { KnownRecords } from './generate-search-data.js'
import type { LoadRequest } from './load-process.js'

/** What a search must answer: a record's id among the hits, or no contact at all. */
export type RightAnswer = { id: string } | { noContact: true }

/** One query of the mix: its kind (the label figures are grouped by), the text typed, and its right answer. */
export interface MixQuery {
  kind: string
  q: string
  right: RightAnswer
}

/** Names no generated contact or lead has (first and last names from outside the generator's lists). */
export const NOBODY = [
  'Bartholomew Quigley',
  'Ezekiel Pennywhistle',
  'Philippa Wolstenholme',
  'Cornelius Vanderbeek',
  'Araminta Featherstonehaugh',
  'Thelonious Brackenridge',
  'Ptolemy Strzelecki',
  'Leopoldina Haverkamp',
]

/** Spelled-out street types, as someone types "oak street" for "Oak St". */
const STREET_WORDS: Record<string, string> = {
  St: 'street',
  Dr: 'drive',
  Rd: 'road',
  Ln: 'lane',
  Way: 'way',
  Ct: 'court',
  Blvd: 'boulevard',
  Cir: 'circle',
  Pl: 'place',
  Trl: 'trail',
}

/** The index of a letter in the middle of the name's longest word, away from its first letter. */
function middleLetter(name: string): number {
  const words = [...name.matchAll(/\S+/g)]
  const longest = words.reduce((a, b) => (b[0].length > a[0].length ? b : a))
  return (longest.index ?? 0) + Math.max(1, Math.floor(longest[0].length / 2))
}

/** The name with one letter left out ("Jennifer" -> "Jenifer"). */
export function droppedLetter(name: string): string {
  const i = middleLetter(name)
  return name.slice(0, i) + name.slice(i + 1)
}

/** The name with two neighbouring, different letters swapped ("Smith" -> "Smtih"). */
export function swappedLetters(name: string): string {
  const swappable = (i: number) => /[a-z]/i.test(name[i] ?? '') && /[a-z]/i.test(name[i + 1] ?? '') && name[i] !== name[i + 1]
  const from = middleLetter(name)
  const i = [...Array(name.length).keys()].map((k) => from + (k % 2 ? -(k + 1) / 2 : k / 2)).find((k) => k > 0 && swappable(k))
  if (i === undefined) throw new Error(`no two neighbouring letters to swap in "${name}"`)
  return name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2)
}

/** The name with one letter replaced by the next one of the alphabet ("Smith" -> "Smjth"). */
export function wrongLetter(name: string): string {
  const i = middleLetter(name)
  const c = name[i]
  const next = c === 'z' ? 'a' : c === 'Z' ? 'A' : String.fromCharCode(c.charCodeAt(0) + 1)
  return name.slice(0, i) + next + name.slice(i + 1)
}

/** The name with one letter typed twice ("Brown" -> "Broown"). */
export function doubledLetter(name: string): string {
  const i = middleLetter(name)
  return name.slice(0, i) + name[i] + name.slice(i)
}

/** The name with the space between its words left out ("Mary Smith" -> "MarySmith"). */
export function missingSpace(name: string): string {
  return name.replace(/\s+/, '')
}

/** The ways a phone number "(256) 555-0142" is typed: last 4 and 7 digits, dashes, as written, with the country code. */
export function phoneForms(phone: string): Record<string, string> {
  const d = phone.replace(/\D/g, '')
  if (d.length !== 10) throw new Error(`expected a 10-digit phone number, got "${phone}"`)
  return {
    'phone: last 4': d.slice(6),
    'phone: last 7': d.slice(3),
    'phone: dashes': `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
    'phone: (256) 555-0142': `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
    'phone: +1': `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
  }
}

/** "1234 Oak St" as written, and as "1234 oak street". */
export function streetForms(line: string): [string, string] {
  const spelled = line.replace(/ (\w+)$/, (_whole, type: string) => ` ${STREET_WORDS[type] ?? type}`).toLowerCase()
  return [line, spelled]
}

/** How many queries of each kind the mix takes, at most (fewer when the data has fewer). */
const PER_KIND = 4
const TYPOS: Array<[string, (name: string) => string]> = [
  ['typo: dropped letter', droppedLetter],
  ['typo: swapped letters', swappedLetters],
  ['typo: wrong letter', wrongLetter],
  ['typo: doubled letter', doubledLetter],
  ['typo: missing space', missingSpace],
]

/**
 * About a hundred distinct queries drawn from generated records, each with its right answer: full names, five kinds of
 * typos, five forms of phone numbers, emails, streets two ways, outlying towns, rare attribute words, ticket numbers,
 * invoice numbers two ways, leads' names and names of nobody. A kind the data has nothing for is an error, not a gap.
 */
export function buildSearchMix(known: KnownRecords): MixQuery[] {
  const people = known.people
  const mix: MixQuery[] = []
  const add = (kind: string, q: string, right: RightAnswer) => {
    if (!mix.some((m) => m.q.toLowerCase() === q.toLowerCase())) mix.push({ kind, q, right })
  }
  // Each kind takes the next people, so one odd name cannot decide several kinds.
  let taken = 0
  const take = (n: number) => people.slice(taken, (taken += n))
  for (const p of take(PER_KIND * 2)) add('name', p.name, { id: p.id })
  for (const [kind, typo] of TYPOS) {
    for (const p of take(PER_KIND)) add(kind, typo(p.name), { id: p.id })
  }
  for (const p of take(3)) {
    for (const [kind, q] of Object.entries(phoneForms(p.phone))) add(kind, q, { id: p.id })
  }
  for (const p of take(PER_KIND)) add('email', p.email, { id: p.id })
  for (const p of take(PER_KIND)) {
    const [written, spelled] = streetForms(p.street)
    add('street: 123 Oak St', written, { id: p.id })
    add('street: 123 oak street', spelled, { id: p.id })
  }
  for (const t of known.towns.slice(0, PER_KIND * 2)) add('town', t.town, { id: t.id })
  for (const t of known.traits.slice(0, PER_KIND * 2)) add('attribute words', t.words, { id: t.id })
  for (const t of known.tickets.slice(0, PER_KIND * 2)) add('ticket #', `#${t.number}`, { id: t.id })
  for (const i of known.invoices.slice(0, PER_KIND)) {
    add('invoice: full number', i.number, { id: i.id })
    add('invoice: year-number', i.number.replace(/^[A-Za-z]+-/, ''), { id: i.id })
  }
  for (const l of known.leads.slice(0, PER_KIND * 2)) add('lead name', l.name, { id: l.id })
  for (const name of NOBODY) add('nobody', name, { noContact: true })
  const kinds = [
    'name',
    ...TYPOS.map(([k]) => k),
    ...Object.keys(phoneForms('2565550142')),
    'email',
    'street: 123 Oak St',
    'street: 123 oak street',
    'town',
    'attribute words',
    'ticket #',
    'invoice: full number',
    'invoice: year-number',
    'lead name',
    'nobody',
  ]
  const empty = kinds.filter((k) => !mix.some((m) => m.kind === k))
  if (empty.length)
    throw new Error(`the generated data has nothing to search for as: ${empty.join(', ')} (generate more contacts, tickets or leads)`)
  return mix
}

/** A contact hit in a search answer, as the API writes it. */
export const CONTACT_HIT = '"kind":"contact"'

/** The GET /api/data search request for one query, its right answer as text the answer must hold (the hit's id) or must not. */
export function searchRequest(m: MixQuery): LoadRequest {
  return {
    label: m.kind,
    path: `/api/data?type=search&q=${encodeURIComponent(m.q)}`,
    ...('id' in m.right ? { expect: `"id":"${m.right.id}"` } : { refuse: CONTACT_HIT }),
  }
}

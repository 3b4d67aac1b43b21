import { lookupTable } from '../../lookup-table.js'
import { actionKey, type Registry } from '../../registry.js'

/** A hit on the product's own functionality: an action (domain.name) or a data type. */
export interface FunctionalityHit {
  kind: 'action' | 'data_type'
  id: string
  label: string
  detail: string
  score: number
  matched: 'name' | 'keywords' | 'description'
}

/** Words people use for a record that the product names differently; the query word also counts as these. */
const SYNONYMS: Readonly<Record<string, string[]>> = lookupTable({
  appointment: ['ticket'],
  job: ['ticket'],
  visit: ['ticket'],
  booking: ['ticket'],
  book: ['schedule', 'create'],
  customer: ['contact'],
  client: ['contact'],
  person: ['contact'],
  people: ['contact'],
  bill: ['invoice'],
  billing: ['invoice'],
  pay: ['payment'],
  paid: ['payment'],
  email: ['message'],
  mail: ['message'],
  text: ['message'],
  reminder: ['message', 'remind'],
  prospect: ['lead'],
  inquiry: ['lead'],
  add: ['create'],
  new: ['create'],
  make: ['create'],
  delete: ['archive', 'remove'],
  edit: ['update'],
  change: ['update'],
  move: ['reschedule'],
  find: ['search'],
  look: ['search'],
  history: ['audit'],
  worker: ['technician', 'user'],
  tech: ['technician'],
  employee: ['user'],
  staff: ['user'],
  price: ['service'],
  wording: ['template'],
})

/** Words that say nothing about which operation is meant. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'to',
  'for',
  'of',
  'my',
  'me',
  'i',
  'how',
  'do',
  'can',
  'on',
  'in',
  'and',
  'or',
  'with',
  'is',
  'it',
  'this',
  'that',
  'please',
])

/** Where a word came from and how much a match on it counts. */
const WEIGHTS = { name: 1, keywords: 0.9, description: 0.6 } as const
type Field = keyof typeof WEIGHTS

interface Entry {
  kind: 'action' | 'data_type'
  id: string
  detail: string
  /** The entry's words as positions in the vocabulary, with the weight of the field each came from (the best one). */
  words: Map<number, { weight: number; field: Field }>
  /** Vocabulary positions of the words of its name. */
  name: number[]
}

/** Every action and data type of a registry, over one vocabulary of their distinct stemmed words. */
interface Index {
  vocabulary: string[]
  trigrams: Array<Set<string>>
  /** Which vocabulary words hold each trigram, so a query word is compared only with words it shares one with. */
  byTrigram: Map<string, number[]>
  entries: Entry[]
}

const indexes = new WeakMap<Registry, Index>()

/**
 * Actions and data types ranked for a query by their name, keywords and description: words are compared stemmed,
 * everyday words map to the product's names (appointment -> ticket, customer -> contact), and typos count (one or two
 * letters off, or trigram similarity). Every query word must find something for a full score.
 */
export function searchFunctionality(registry: Registry, q: string, limit: number, kinds: ReadonlySet<string>): FunctionalityHit[] {
  const query = queryWords(q)
  if (!query.length) return []
  const index = indexOf(registry)
  // How well each query word (any of its alternatives) matches each vocabulary word, computed once per query.
  const closeness = query.map((alternatives) => {
    const row = new Float64Array(index.vocabulary.length)
    for (const alternative of alternatives) {
      const own = trigrams(alternative)
      const candidates = new Set<number>()
      for (const t of own) for (const position of index.byTrigram.get(t) ?? []) candidates.add(position)
      for (const position of candidates) {
        row[position] = Math.max(row[position], similarity(alternative, index.vocabulary[position], own, index.trigrams[position]))
      }
    }
    return row
  })
  const wanted = q.trim().toLowerCase()
  const hits: FunctionalityHit[] = []
  for (const entry of index.entries) {
    if (!kinds.has(entry.kind)) continue
    let total = 0
    let matchedWords = 0
    const fields = new Map<Field, number>()
    for (const row of closeness) {
      let best = 0
      let field: Field = 'name'
      for (const [position, word] of entry.words) {
        const s = word.weight * row[position]
        if (s > best) {
          best = s
          field = word.field
        }
      }
      total += best
      if (best > 0) {
        matchedWords += 1
        fields.set(field, (fields.get(field) ?? 0) + best)
      }
    }
    // Of two equally good matches, the one whose name is mostly the query comes first (ticket.create before invoice.create_from_ticket).
    const covered = entry.name.filter((position) => closeness.some((row) => row[position] >= 0.8)).length
    const coverage = entry.name.length ? covered / entry.name.length : 0
    const score = entry.id === wanted ? 1 : (total / query.length) * (matchedWords / query.length) * (0.9 + 0.1 * coverage)
    if (score < 0.5) continue
    const matched = [...fields.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'name'
    hits.push({ kind: entry.kind, id: entry.id, label: entry.id, detail: entry.detail, score: round(score), matched })
  }
  return hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, limit)
}

function indexOf(registry: Registry): Index {
  const cached = indexes.get(registry)
  if (cached) return cached
  const vocabulary: string[] = []
  const positions = new Map<string, number>()
  const positionOf = (word: string) => {
    let p = positions.get(word)
    if (p === undefined) {
      p = vocabulary.push(word) - 1
      positions.set(word, p)
    }
    return p
  }
  const entryOf = (kind: Entry['kind'], id: string, name: string, keywords: string[], description: string): Entry => {
    const words: Entry['words'] = new Map()
    for (const [field, text] of [
      ['description', description],
      ['keywords', keywords.join(' ')],
      ['name', name],
    ] as const) {
      for (const w of wordsOf(text)) {
        const p = positionOf(stem(w))
        if ((words.get(p)?.weight ?? 0) < WEIGHTS[field]) words.set(p, { weight: WEIGHTS[field], field })
      }
    }
    return { kind, id, detail: firstSentence(description), words, name: [...new Set(wordsOf(name).map((w) => positionOf(stem(w))))] }
  }
  const entries: Entry[] = []
  for (const def of registry.actions.values()) {
    entries.push(entryOf('action', actionKey(def.domain, def.name), `${def.domain} ${def.name}`, def.keywords ?? [], def.description))
  }
  for (const def of registry.queries.values()) entries.push(entryOf('data_type', def.type, def.type, def.keywords ?? [], def.description))
  const byTrigram = new Map<string, number[]>()
  const sets = vocabulary.map(trigrams)
  sets.forEach((set, position) => {
    for (const t of set) byTrigram.set(t, [...(byTrigram.get(t) ?? []), position])
  })
  const index = { vocabulary, trigrams: sets, byTrigram, entries }
  indexes.set(registry, index)
  return index
}

/** Each query word with the product words it also stands for, stemmed; stop words dropped unless nothing else is left. */
function queryWords(q: string): string[][] {
  const all = wordsOf(q)
  const meaningful = all.filter((w) => !STOP_WORDS.has(w))
  return (meaningful.length ? meaningful : all).map((w) => [stem(w), ...synonymsOf(w).map(stem)])
}

/** The product words an everyday word stands for; a misspelt everyday word (one letter off) counts too. */
function synonymsOf(word: string): string[] {
  const exact = SYNONYMS[word] ?? SYNONYMS[stem(word)]
  if (exact) return exact
  if (word.length < 5) return []
  const near = Object.keys(SYNONYMS).find((key) => key.length >= 5 && editDistance(word, key) <= 1)
  return near ? SYNONYMS[near] : []
}

/**
 * 1 for the same stem, 0.85 when one begins the other (4+ letters), 0.8 for one typo (a letter missing, extra, wrong or
 * two swapped; 4+ letters), 0.7 for two typos in long words (8+ letters), else trigram similarity when close enough.
 */
function similarity(a: string, b: string, ta = trigrams(a), tb = trigrams(b)): number {
  if (a === b) return 1
  if (a.length >= 4 && b.length >= 4 && (a.startsWith(b) || b.startsWith(a))) return 0.85
  if (Math.min(a.length, b.length) >= 4 && Math.abs(a.length - b.length) <= 2) {
    const d = editDistance(a, b)
    if (d <= 1) return 0.8
    if (d === 2 && Math.min(a.length, b.length) >= 8) return 0.7
  }
  const s = trigramSimilarity(ta, tb)
  return s >= 0.5 ? 0.7 * s : 0
}

/** Edits (insert, delete, replace, swap two neighbours) from one word to the other. */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0)
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1)
      current.push(d)
    }
    before = previous
    previous = current
  }
  return previous[b.length]
}

function trigramSimilarity(ta: Set<string>, tb: Set<string>): number {
  let shared = 0
  for (const t of ta) if (tb.has(t)) shared += 1
  return shared / (ta.size + tb.size - shared)
}

function trigrams(word: string): Set<string> {
  const padded = `  ${word} `
  const out = new Set<string>()
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3))
  return out
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

/** A light English stemmer: plural and verb endings, so "screens", "cancelled" and "scheduling" meet their stems. */
export function stem(word: string): string {
  if (word.length <= 3) return word
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2)
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1)
  if (word.endsWith('ing') && word.length > 5) return undouble(word.slice(0, -3))
  if (word.endsWith('ed') && word.length > 4) return undouble(word.slice(0, -2))
  return word
}

/** "cancell" -> "cancel", "plann" -> "plan" (ss and zz stay). */
function undouble(word: string): string {
  return /([a-z])\1$/.test(word) && !/(ss|zz)$/.test(word) ? word.slice(0, -1) : word
}

function firstSentence(text: string): string {
  const sentence = text.split(/(?<=\.)\s/)[0]
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

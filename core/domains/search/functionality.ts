import { queryWords, similarity, stem, trigrams, wordsOf } from '../../text/words.js'
import { actionKey, type Registry } from '../../kernel/registry.js'

/** A hit on the product's own functionality: an action (domain.name) or a data type. */
export interface FunctionalityHit {
  kind: 'action' | 'data_type'
  id: string
  label: string
  detail: string
  score: number
  matched: 'name' | 'keywords' | 'description'
}

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
  /** The entries holding each vocabulary word, so a query is scored only against entries it shares a word with. */
  postings: number[][]
  /** Each entry's position by its id, for a query that is an id. */
  byId: Map<string, number>
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
  const wanted = q.trim().toLowerCase()
  // Only an entry holding a word some query word resembles can score (or the entry the query names by its id).
  const scored = new Set<number>()
  const named = index.byId.get(wanted)
  if (named !== undefined) scored.add(named)
  // How well each query word (any of its alternatives) matches each vocabulary word, computed once per query.
  const closeness = query.map((alternatives) => {
    const row = new Float64Array(index.vocabulary.length)
    for (const alternative of alternatives) {
      const own = trigrams(alternative)
      const candidates = new Set<number>()
      for (const t of own) for (const position of index.byTrigram.get(t) ?? []) candidates.add(position)
      for (const position of candidates) {
        row[position] = Math.max(row[position], similarity(alternative, index.vocabulary[position], own, index.trigrams[position]))
        if (row[position] > 0) for (const e of index.postings[position]) scored.add(e)
      }
    }
    return row
  })
  const hits: FunctionalityHit[] = []
  for (const e of scored) {
    const entry = index.entries[e]
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
    entries.push(entryOf('action', actionKey(def.domain, def.name), `${def.domain} ${def.name}`, def.phrases ?? [], def.description))
  }
  for (const def of registry.queries.values()) entries.push(entryOf('data_type', def.type, def.type, def.phrases ?? [], def.description))
  const byTrigram = new Map<string, number[]>()
  const sets = vocabulary.map(trigrams)
  sets.forEach((set, position) => {
    for (const t of set) byTrigram.set(t, [...(byTrigram.get(t) ?? []), position])
  })
  const postings: number[][] = vocabulary.map(() => [])
  entries.forEach((entry, e) => {
    for (const position of entry.words.keys()) postings[position].push(e)
  })
  const byId = new Map(entries.map((entry, e) => [entry.id, e]))
  const index = { vocabulary, trigrams: sets, byTrigram, entries, postings, byId }
  indexes.set(registry, index)
  return index
}

function firstSentence(text: string): string {
  const sentence = text.split(/(?<=\.)\s/)[0]
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

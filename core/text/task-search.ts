import { queryWords, similarity, stem, STOP_WORDS, trigrams, wordsOf } from './words.js'

/** Something a caller can use for a task: an action, a data type or a workflow tool, with the words it is declared with. */
export interface TaskEntry {
  kind: 'action' | 'data_type' | 'tool'
  /** "domain.name", the data type, or the tool's name. */
  id: string
  /** Its name's words (domain and name, type, tool name) and its title. */
  name: string
  /** What people say when they mean it, and single keywords. */
  phrases: readonly string[]
  description: string
}

/** One entry ranked for a task, best first. */
export interface TaskHit {
  entry: TaskEntry
  score: number
}

/** How much a match counts by where the word was found: a phrase people say counts as much as the name. */
const WEIGHTS = { name: 1, phrase: 1, description: 0.45 } as const

/** A description this long or shorter counts in full; a longer one's words count less. */
const DESCRIPTION_WORDS = 30

/** Words that tell nothing of the task in an owner's or agent's sentence, beyond the everyday stop words. */
const TASK_STOP_WORDS = new Set([
  'we',
  'our',
  'us',
  'he',
  'she',
  'his',
  'her',
  'him',
  'they',
  'them',
  'their',
  'you',
  'your',
  'has',
  'have',
  'had',
  'was',
  'were',
  'be',
  'been',
  'are',
  'so',
  'at',
  'by',
  'just',
  'need',
  'needs',
  'want',
  'wants',
  'let',
  'lets',
  'should',
  'would',
  'could',
  'will',
  'what',
  'which',
  'who',
  'when',
  'there',
  'some',
  'any',
  'all',
  'get',
  'got',
  'ok',
  'now',
  'also',
  'again',
  'about',
  'from',
])

interface Indexed {
  entry: TaskEntry
  /** Stemmed word -> the weight of the best field it appears in. */
  words: Map<string, number>
  /** Each phrase's stemmed words. */
  phrases: Array<Set<string>>
  /** The stemmed words of its name and title. */
  name: Set<string>
}

interface Index {
  entries: Indexed[]
  /** How many entries hold each stemmed word: rare words tell more. */
  frequency: Map<string, number>
  words: Set<string>
  /** The words of every entry's name and title. */
  names: Set<string>
  grams: Map<string, Set<string>>
}

const indexes = new WeakMap<readonly TaskEntry[], Index>()

/**
 * Entries ranked for a task said in plain words ("technician called in sick, move his visits"): each query word counts
 * by how rare it is among the entries and where it matched (name, a phrase people say, the description), and an entry
 * one of whose phrases says most of the task gains more. Typos and everyday words (customer -> contact) count, as in the
 * functionality search.
 */
export function rankTasks(
  entries: readonly TaskEntry[],
  q: string,
  limit: number,
  argumentWords: ReadonlySet<string> = new Set(),
): TaskHit[] {
  const index = indexOf(entries)
  const query = taskWords(q, index, argumentWords)
  if (!query.length) return []
  const total = index.entries.length
  const rarity = (word: string) => Math.log(1 + total / (1 + (index.frequency.get(word) ?? 0)))
  // Each query word's closeness to every vocabulary word it could be, computed once.
  const closeness = query.map(({ alternatives, exact }) => {
    const close = new Map<string, number>()
    if (exact) close.set(stem(alternatives[0]), 1)
    if (!exact)
      alternatives.forEach((word, i) => {
        const factor = i === 0 ? 1 : 0.85
        const own = trigrams(word)
        for (const candidate of candidatesOf(index, word)) {
          const s = factor * similarity(word, candidate, own, trigrams(candidate))
          if (s > (close.get(candidate) ?? 0)) close.set(candidate, s)
        }
      })
    return close
  })
  const weights = query.map(({ alternatives }, i) => {
    const best = [...closeness[i].entries()].filter(([, s]) => s >= 0.8).map(([w]) => rarity(w))
    return best.length ? Math.max(...best) : rarity(alternatives[0])
  })
  const mass = weights.reduce((a, b) => a + b, 0)
  const hits: TaskHit[] = []
  for (const item of index.entries) {
    let got = 0
    let named = 0
    const matchedWords: Array<Set<string>> = []
    closeness.forEach((close, i) => {
      let best = 0
      let inName = 0
      const matched = new Set<string>()
      for (const [word, s] of close) {
        const field = item.words.get(word)
        if (field === undefined) continue
        matched.add(word)
        best = Math.max(best, s * field)
        if (item.name.has(word)) inName = Math.max(inName, s)
      }
      got += best * weights[i]
      named += inName * weights[i]
      matchedWords.push(matched)
    })
    if (got === 0) continue
    // The phrase that says most of the task: the share of the task's weight it covers, less for its words the task lacks.
    let phrase = 0
    for (const words of item.phrases) {
      if (!words.size) continue
      let covered = 0
      let used = 0
      matchedWords.forEach((matched, i) => {
        const hit = [...matched].some((w) => words.has(w))
        if (hit) {
          covered += weights[i]
          used += 1
        }
      })
      const extra = Math.max(0, words.size - used)
      phrase = Math.max(phrase, (covered / mass) * (words.size / (words.size + 0.5 * extra)))
    }
    // Of equal matches, the one whose own name or title says the task comes first ("book": Book a visit before QuickBooks).
    hits.push({ entry: item.entry, score: round(0.55 * (got / mass) + 0.35 * phrase + 0.1 * (named / mass)) })
  }
  return hits.sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id)).slice(0, limit)
}

/** Days, months and days said as words: a task's date is an argument of the call, not a word that tells which call. */
const CALENDAR_WORDS =
  /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|next|last|tomorrow|yesterday|tonight)$/

/**
 * A task's words with what each also stands for, stemmed. Left out: words that say nothing of the task, numbers and
 * days (arguments of the call), and names: a capitalised word inside the sentence counts only when it is a word of the
 * product's own ("Square", "QuickBooks"), never as a near spelling ("Sam" is not "same"). The business's own words for its
 * services ("gutter cleaning") are what a call takes, not which call, unless the product names something by them.
 */
function taskWords(q: string, index: Index, argumentWords: ReadonlySet<string>): Array<{ alternatives: string[]; exact: boolean }> {
  const raw = q.split(/[^A-Za-z0-9']+/).filter(Boolean)
  const out: Array<{ alternatives: string[]; exact: boolean }> = []
  raw.forEach((token, i) => {
    for (const w of wordsOf(token)) {
      if (TASK_STOP_WORDS.has(w) || STOP_WORDS.has(w) || /\d/.test(w) || CALENDAR_WORDS.test(w)) continue
      if (argumentWords.has(w) && !index.names.has(stem(w))) continue
      const name = i > 0 && /^[A-Z]/.test(token)
      if (name && !index.names.has(stem(w))) continue
      out.push({ alternatives: queryWords(w)[0], exact: name })
    }
  })
  return out
}

/** The vocabulary words sharing a trigram with the word: the only ones that can be close to it. */
function candidatesOf(index: Index, word: string): Set<string> {
  const out = new Set<string>()
  for (const t of trigrams(word)) for (const w of index.grams.get(t) ?? []) out.add(w)
  return out
}

function indexOf(entries: readonly TaskEntry[]): Index {
  const cached = indexes.get(entries)
  if (cached) return cached
  const frequency = new Map<string, number>()
  const indexed = entries.map((entry): Indexed => {
    const words = new Map<string, number>()
    const put = (text: string, weight: number) => {
      for (const w of wordsOf(text)) {
        if (STOP_WORDS.has(w) || TASK_STOP_WORDS.has(w)) continue
        const s = stem(w)
        if ((words.get(s) ?? 0) < weight) words.set(s, weight)
      }
    }
    // A long description holds many words by chance: each of them counts less.
    const length = wordsOf(entry.description).length
    put(entry.description, WEIGHTS.description * Math.min(1, Math.sqrt(DESCRIPTION_WORDS / Math.max(1, length))))
    for (const p of entry.phrases) put(p, WEIGHTS.phrase)
    put(entry.name.replace(/[._]/g, ' '), WEIGHTS.name)
    for (const w of words.keys()) frequency.set(w, (frequency.get(w) ?? 0) + 1)
    const phrases = entry.phrases.map(
      (p) =>
        new Set(
          wordsOf(p)
            .filter((w) => !STOP_WORDS.has(w) && !TASK_STOP_WORDS.has(w))
            .map(stem),
        ),
    )
    phrases.push(
      new Set(
        wordsOf(entry.name.replace(/[._]/g, ' '))
          .filter((w) => !STOP_WORDS.has(w))
          .map(stem),
      ),
    )
    return { entry, words, phrases, name: new Set(wordsOf(entry.name.replace(/[._]/g, ' ')).map(stem)) }
  })
  const words = new Set(frequency.keys())
  const grams = new Map<string, Set<string>>()
  for (const word of words) {
    for (const t of trigrams(word)) {
      let set = grams.get(t)
      if (!set) grams.set(t, (set = new Set()))
      set.add(word)
    }
  }
  const names = new Set(entries.flatMap((e) => wordsOf(e.name.replace(/[._]/g, ' ')).map(stem)))
  const index = { entries: indexed, frequency, words, names, grams }
  indexes.set(entries, index)
  return index
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

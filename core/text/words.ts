// Words of people's questions matched to the words the product's operations are declared with.
import { lookupTable } from '../kernel/lookup-table.js'

/** Words people use for a record that the product names differently; the query word also counts as these. */
export const SYNONYMS: Readonly<Record<string, string[]>> = lookupTable({
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
export const STOP_WORDS = new Set([
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

/** Each query word with the product words it also stands for, stemmed; stop words dropped unless nothing else is left. */
export function queryWords(q: string): string[][] {
  const all = wordsOf(q)
  const meaningful = all.filter((w) => !STOP_WORDS.has(w))
  return (meaningful.length ? meaningful : all).map((w) => [stem(w), ...synonymsOf(w).map(stem)])
}

/** The product words an everyday word stands for; a misspelt everyday word (one letter off) counts too. */
export function synonymsOf(word: string): string[] {
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
export function similarity(a: string, b: string, ta = trigrams(a), tb = trigrams(b)): number {
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

export function trigrams(word: string): Set<string> {
  const padded = `  ${word} `
  const out = new Set<string>()
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3))
  return out
}

export function wordsOf(text: string): string[] {
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

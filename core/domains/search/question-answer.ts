import type { Queryable } from '../../db/types.js'
import { describeHits, type SearchHit } from './model.js'
import type { Reading } from './question.js'

/** One part of a reading as search_question (migrations/0025_search_questions.sql) takes it, and how it is said. */
interface Part {
  sql: Record<string, string | null>
  says: string
}

/** The customers satisfying every part of a reading, and a sentence saying how it was read and what came of it. */
export interface QuestionAnswer {
  hits: SearchHit[]
  sentence: string
}

/** Looks for the customers who satisfy every part of a reading (AND); when none do, says which part left none. */
export async function answerReading(tx: Queryable, q: string, reading: Reading, limit: number): Promise<QuestionAnswer> {
  const parts = partsOf(reading)
  const r = await tx.query<{ ids: string[]; alone: number[]; so_far: number[] }>('select ids, alone, so_far from search_question($1, $2)', [
    JSON.stringify(parts.map((p) => p.sql)),
    limit,
  ])
  const { ids = [], alone = [], so_far: soFar = [] } = r.rows[0] ?? {}
  const read = `Read as customers ${parts.map((p) => p.says).join(', ')}`
  const hits = await describeHits(
    tx,
    q,
    ids.map((id) => ({ kind: 'contact' as const, id, score: 1, matched: 'question', ref_id: null })),
  )
  if (hits.length) {
    const total = soFar.at(-1) ?? hits.length
    return {
      hits,
      sentence: `${read}: ${total} match${total === 1 ? 'es' : ''} every part${total > hits.length ? `, the first ${hits.length} shown` : ''}.`,
    }
  }
  const emptied = soFar.findIndex((n) => Number(n) === 0)
  const part = parts[emptied < 0 ? parts.length - 1 : emptied]
  const before = emptied > 0 ? `, ${soFar[emptied - 1]} satisfy the parts before it` : ''
  const n = Number(alone[emptied] ?? 0)
  const why = `the part "${part.says}" left none (${n} ${n === 1 ? 'customer satisfies' : 'customers satisfy'} it alone${before})`
  return { hits, sentence: `${read}: none match every part; ${why}.` }
}

/** The reading's parts in the order they narrow best: place, street, attributes, service and period, names. */
function partsOf(r: Reading): Part[] {
  const parts: Part[] = []
  if (r.place) parts.push({ sql: { place: `city:${r.place.trim().toLowerCase()}` }, says: `in ${r.place}` })
  if (r.postal_code) parts.push({ sql: { place: `zip:${r.postal_code}` }, says: `in ${r.postal_code}` })
  if (r.street) parts.push({ sql: { street: r.street }, says: `on a "${r.street}" street` })
  for (const a of r.attributes) parts.push({ sql: { words: a }, says: `with "${a}" (an attribute or a note)` })
  if (r.service_id || r.between) {
    const when = r.between ? ` between ${r.between[0]} and ${r.between[1]}` : ''
    parts.push({
      sql: { service_id: r.service_id, from: r.between?.[0] ?? null, to: r.between?.[1] ?? null },
      says: `who had ${r.service ?? 'a visit'}${when} (done or booked)`,
    })
  }
  for (const n of r.names) parts.push({ sql: { name: n }, says: `matching "${n}"` })
  return parts
}

import type { Queryable } from '../../db/types.js'
import { phoneDigits } from '../../vocabulary/phone.js'
import { type DescribedHit, labelled, type SearchHit } from './model.js'
import type { Reading } from './question.js'

/** One part of a reading as search_question (migrations/0102_search_closest_customers.sql) takes it, and how it is said. */
interface Part {
  sql: Record<string, string | null>
  says: string
  /** A few words for a customer who satisfies it, e.g. "elderly", "Owens Cross Roads". */
  held: string
  /** A few words for a customer who does not, e.g. "nothing says woman". */
  missing: string
}

/** How far search_question counts the customers a part or the parts let through. */
const COUNTED_UP_TO = 100

/** The customers satisfying every part of a reading, then the closest, and a sentence saying how it was read and what came of it. */
export interface QuestionAnswer {
  /** Those satisfying every part first (matched question), then the closest (matched closest, with held and missing). */
  hits: SearchHit[]
  /** How many of the hits satisfy every part. */
  full: number
  sentence: string
}

/**
 * Looks for the customers who satisfy every part of a reading (AND); when fewer than limit do, fills the page with
 * those satisfying the most parts, each saying which parts held and which did not; when none satisfy every part, says
 * which part left none.
 */
export async function answerReading(tx: Queryable, q: string, reading: Reading, limit: number): Promise<QuestionAnswer> {
  const parts = partsOf(reading)
  // The question and its hits' descriptions in one statement: search_question's arrays on every row (one row of nulls
  // beside them when none was found), each hit described by search_describe in the question's order.
  const r = await tx.query<{ ids: string[] | null; held: number[]; alone: number[]; so_far: number[] } & Partial<DescribedHit>>(
    `select q.ids, q.held, q.alone, q.so_far, d.kind, d.id, d.score, d.matched, d.ref_id, d.f, d.note
     from search_question($1, $2) q
     left join lateral search_describe($3, $4, array_fill('contact'::text, array[coalesce(cardinality(q.ids), 0)]), q.ids,
       array_fill(0::double precision, array[coalesce(cardinality(q.ids), 0)]), array_fill('question'::text, array[coalesce(cardinality(q.ids), 0)]),
       array_fill(null::uuid, array[coalesce(cardinality(q.ids), 0)])) d on true`,
    [JSON.stringify(parts.map((p) => p.sql)), limit, q, phoneDigits(q)],
  )
  const { ids = [], held = [], alone = [], so_far: soFar = [] } = r.rows[0] ?? {}
  const every = (1 << parts.length) - 1
  const masks = new Map((ids ?? []).map((id, i) => [id, Number(held[i] ?? every)]))
  const described = labelled(
    r.rows
      .filter((row): row is typeof row & DescribedHit => !!row.id)
      .map((row) => {
        const n = bitsOf(masks.get(row.id) ?? every)
        const full = n === parts.length
        // The closest score by the share of parts held, always below a full match and below "close" (0.85).
        return { ...row, score: full ? 1 : 0.3 + (0.4 * n) / parts.length, matched: full ? 'question' : 'closest' }
      }),
    q,
  )
  const hits = described.map((hit) => {
    if (hit.matched !== 'closest') return hit
    const mask = masks.get(hit.id) ?? every
    return {
      ...hit,
      held: parts.filter((_, k) => mask & (1 << k)).map((p) => p.held),
      missing: parts.filter((_, k) => !(mask & (1 << k))).map((p) => p.missing),
    }
  })
  const full = hits.filter((h) => h.matched === 'question').length
  const near = hits.length - full
  const read = `Read as customers ${parts.map((p) => p.says).join(', ')}`
  const closest = near ? `the closest ${near} shown by how many parts they satisfy` : ''
  if (full) {
    const total = Number(soFar.at(-1) ?? full)
    const shown = total > full ? `, the first ${full} shown` : ''
    return {
      hits,
      full,
      sentence: `${read}: ${counted(total)} match${total === 1 ? 'es' : ''} every part${shown}${near ? `; then ${closest}` : ''}.`,
    }
  }
  const emptied = soFar.findIndex((n) => Number(n) === 0)
  const part = parts[emptied < 0 ? parts.length - 1 : emptied]
  const before = emptied > 0 ? `, ${counted(Number(soFar[emptied - 1]))} satisfy the parts before it` : ''
  const n = Number(alone[emptied] ?? 0)
  const why = `the part "${part.says}" left none (${counted(n)} ${n === 1 ? 'customer satisfies' : 'customers satisfy'} it alone${before})`
  return { hits, full, sentence: `${read}: none match every part; ${why}${near ? `; ${closest}` : ''}.` }
}

/** The reading's parts in the order they narrow best: place, street, attributes, service and period, names. */
function partsOf(r: Reading): Part[] {
  const parts: Part[] = []
  if (r.place)
    parts.push({
      sql: { place: `city:${r.place.trim().toLowerCase()}` },
      says: `in ${r.place}`,
      held: r.place,
      missing: `not in ${r.place}`,
    })
  if (r.postal_code)
    parts.push({
      sql: { place: `zip:${r.postal_code}` },
      says: `in ${r.postal_code}`,
      held: r.postal_code,
      missing: `not in ${r.postal_code}`,
    })
  if (r.street)
    parts.push({ sql: { street: r.street }, says: `on a "${r.street}" street`, held: `on ${r.street}`, missing: `not on ${r.street}` })
  for (const a of r.attributes)
    parts.push({ sql: { words: a }, says: `with "${a}" (an attribute or a note)`, held: a, missing: `nothing says ${a}` })
  if (r.service_id || r.between) {
    const when = r.between ? ` between ${r.between[0]} and ${r.between[1]}` : ''
    const what = r.service ?? 'a visit'
    parts.push({
      sql: { service_id: r.service_id, from: r.between?.[0] ?? null, to: r.between?.[1] ?? null },
      says: `who had ${what}${when} (done or booked)`,
      held: `had ${what}${when}`,
      missing: `no ${r.service ?? 'visit'}${when}`,
    })
  }
  for (const n of r.names) parts.push({ sql: { name: n }, says: `matching "${n}"`, held: `like "${n}"`, missing: `nothing like "${n}"` })
  return parts
}

/** A count as search_question gives it: counted up to COUNTED_UP_TO, past that only "over" it. */
function counted(n: number): string {
  return n > COUNTED_UP_TO ? `over ${COUNTED_UP_TO}` : String(n)
}

/** How many bits a part mask has set: the parts a customer satisfies. */
function bitsOf(mask: number): number {
  let n = 0
  for (let m = mask; m; m &= m - 1) n += 1
  return n
}

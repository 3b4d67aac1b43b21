import { readAheadRows, type ReadAhead } from '../../db/read-memo.js'
import { sqlArray, sqlLiteral } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { firstNameSql, oneWordOf } from './first-names.js'
import { type CatalogService, type VocabularyLookup, vocabularyAsked } from './question.js'

/** What a search reads of its business before it looks: the time zone, the catalog, external ids equal to q, and which question words the business knows. */
export interface SearchContext {
  timezone: string
  catalog: CatalogService[]
  /** Contacts whose key in a system the business moved from is exactly q (a Square Customer ID), by source. */
  keyed: string[]
  /** The question words and places asked about ahead, and which of them the business knows. */
  asked: { words: Set<string>; places: Set<string> }
  known: Array<{ kind: string; value: string }>
  /** When contacts are looked for by one word: how many customers have it as their first name (firstNameSql); else null. */
  first_name_count: number | null
}

const KEY = 'search context'

type ContextRow = Omit<SearchContext, 'asked'> & { words: string[]; places: string[] }

/** What a search's context reads besides the business's: external ids only when contacts are looked for, question words only when q may be a question. */
export interface ContextWanted {
  keyed: boolean
  question: boolean
}

/**
 * The context as one statement sent with the search's BEGIN. Its question words are those the rules check with an
 * empty catalog and today's date in UTC: the same words unless q names a service or a period falls on another day, and
 * then `vocabularyOf` asks about the others in a round trip of its own. Values go as escaped literals: a read sent with
 * BEGIN takes no parameters.
 */
export async function searchContextRead(q: string, wanted: ContextWanted): Promise<ReadAhead> {
  return { key: KEY, sql: await contextSql(q, wanted) }
}

/** The search's context: the one sent ahead with BEGIN, else read now (a search inside another transaction). */
export async function searchContext(tx: Queryable, q: string, wanted: ContextWanted): Promise<SearchContext> {
  const row = (readAheadRows(tx, KEY)?.[0] ?? (await tx.query(await contextSql(q, wanted))).rows[0]) as ContextRow
  return {
    timezone: row.timezone,
    catalog: row.catalog,
    keyed: row.keyed,
    asked: { words: new Set(row.words), places: new Set(row.places) },
    known: row.known,
    first_name_count: row.first_name_count,
  }
}

/** The business's answer for question words: from the context when it asked about all of them, else in one statement. */
export function vocabularyOf(tx: Queryable, context: SearchContext): VocabularyLookup {
  return async (words, places) => {
    if (words.every((w) => context.asked.words.has(w)) && places.every((p) => context.asked.places.has(p))) {
      const wanted = new Set([...words, ...places])
      return context.known.filter((k) => wanted.has(k.value))
    }
    const r = await tx.query<{ kind: string; value: string }>('select kind, value from search_question_vocabulary($1, $2)', [words, places])
    return r.rows
  }
}

async function contextSql(q: string, wanted: ContextWanted): Promise<string> {
  const asked = wanted.question ? await vocabularyAsked(q, new Date().toISOString().slice(0, 10), []) : { words: [], places: [] }
  const list = (values: string[]) => `${sqlArray(values)}::text[]`
  const keyed = wanted.keyed
    ? `array(select k.contact_id::text from contact_external_ids k where k.external_id = ${sqlLiteral(q.trim())} order by k.source)`
    : `'{}'::text[]`
  const word = wanted.keyed ? oneWordOf(q) : null
  const firstNames = word ? `(${firstNameSql(sqlLiteral(word))})` : 'null::int'
  const known =
    asked.words.length || asked.places.length
      ? `coalesce((select json_agg(json_build_object('kind', v.kind, 'value', v.value))
           from search_question_vocabulary(${list(asked.words)}, ${list(asked.places)}) v), '[]')`
      : `'[]'::json`
  return `select t.timezone,
    coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name) order by s.name)
      from services s where s.archived_at is null), '[]') as catalog,
    ${keyed} as keyed, ${list(asked.words)} as words, ${list(asked.places)} as places, ${known} as known,
    ${firstNames} as first_name_count
  from tenants t where t.id = app_tenant()`
}

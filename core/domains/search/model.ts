import type { Queryable } from '../../db/types.js'
import { phoneDigits } from '../../vocabulary/phone.js'
import { formatMoney } from '../../vocabulary/money.js'
import type { CountryCode } from '../../vocabulary/phone.js'
import { withoutCountryCode } from '../../vocabulary/phone-query.js'
import { externalIdLabel } from '../contacts/external-ids.js'

/** The kinds of records the search finds in the database. */
export const RECORD_KINDS = ['contact', 'ticket', 'invoice', 'lead'] as const
/** Every kind of hit, records first, then the product's own functionality. */
export const SEARCH_KINDS = [...RECORD_KINDS, 'action', 'data_type'] as const
/** A kind of hit. */
export type SearchKind = (typeof SEARCH_KINDS)[number]

/** One hit: what it is, a short label, one line of detail, and how well it matches (0 to 1). */
export type SearchHit = {
  kind: SearchKind
  id: string
  label: string
  detail: string
  score: number
  /** How it was found: name, phone, external_id, words, fuzzy, note, number, number_part, question, closest (records) or name, keywords, description. */
  matched: string
  /** For a question's closest contacts (matched closest): the parts it satisfies and, in a few words, those it does not. */
  held?: string[]
  missing?: string[]
}

/** Restrictions on the contact hits: attribute, place and service history (dates YYYY-MM-DD, inclusive, business time zone). */
export interface ContactFilters {
  city?: string
  postal_code?: string
  attribute_key?: string
  attribute_value?: string
  service_id?: string
  received_from?: string
  received_to?: string
}

/** A record hit before it is labelled: what it is, how well and how it matched, and the matching note (ref_id) if any. */
export interface RawHit {
  kind: (typeof RECORD_KINDS)[number]
  id: string
  score: number
  matched: string
  ref_id: string | null
}

/**
 * The best record hits per kind (search_hits in migrations/functions/search_hits.sql), labelled and described from
 * the records in the same statement; `keyed` contacts (an external id equal to q) come first, each contact once.
 * `country` reads a phone number typed with its country code.
 */
export async function searchRecords(
  tx: Queryable,
  q: string,
  kinds: string[],
  limit: number,
  filters: ContactFilters,
  keyed: string[],
  country: CountryCode | undefined,
): Promise<SearchHit[]> {
  if (!kinds.length) return []
  const asked = withoutCountryCode(q, country)
  const r = await tx.query<DescribedHit>(
    `select d.kind, d.id, d.score, d.matched, d.ref_id, d.f, d.note
     from (select array_agg(x.kind order by x.ord) as kinds, array_agg(x.id order by x.ord) as ids,
             array_agg(x.score order by x.ord) as scores, array_agg(x.matched order by x.ord) as matched,
             array_agg(x.ref_id order by x.ord) as refs
           from (select 'contact'::text as kind, k.id, 1::double precision as score, 'external_id'::text as matched,
                   null::uuid as ref_id, k.ord - ${MAX_KEYED} as ord
                 from unnest($3::uuid[]) with ordinality k(id, ord)
                 union all
                 select s.kind, s.id, s.score, s.matched, s.ref_id, s.ord
                 from search_hits($1, $4, $5, $6, $7, $8, $9, $10, $11, $12) with ordinality s(kind, id, score, matched, ref_id, ord)
                 where not (s.kind = 'contact' and s.id = any($3::uuid[]))) x) a
     cross join lateral search_describe($1, $2, a.kinds, a.ids, a.scores, a.matched, a.refs) d`,
    [
      asked,
      phoneDigits(asked),
      keyed,
      kinds,
      limit,
      filters.city ?? null,
      filters.postal_code ?? null,
      filters.attribute_key ?? null,
      filters.attribute_value ?? null,
      filters.service_id ?? null,
      filters.received_from ?? null,
      filters.received_to ?? null,
    ],
  )
  return labelled(r.rows, asked)
}

/** More keyed contacts than one external id can name: they sort before every hit of search_hits. */
const MAX_KEYED = 1_000_000

type Facts = Record<string, any>

/** A hit as search_describe (migrations/functions/search_describe.sql) answers it: the hit, its record's facts and the note that matched. */
export type DescribedHit = RawHit & { f: Facts; note: string | null }

/** Described hits as the search answers them: a label, one line of detail (the note that matched, if any) and the score. */
export function labelled(rows: DescribedHit[], q: string): SearchHit[] {
  return rows.map((hit) => {
    const snippet = hit.note ? snippetOf(hit.note, q) : undefined
    const { label, detail } = DESCRIBE[hit.kind](hit.f, hit)
    return {
      kind: hit.kind,
      id: hit.id,
      label,
      detail: oneLine(snippet ? `note: ${snippet}` : detail),
      score: Math.round(hit.score * 1000) / 1000,
      matched: hit.matched,
    }
  })
}

/** A record's short label and one line of detail from its facts. */
const DESCRIBE: Record<RawHit['kind'], (f: Facts, hit: RawHit) => { label: string; detail: string }> = {
  /** Name, then what matched (a phone, an address, an attribute) or the primary phone, email and address. */
  contact(f, hit) {
    let detail = [f.phone, f.email, f.address].filter(Boolean).join(' · ')
    if (hit.matched === 'phone' && f.matching_phone) detail = `phone ${f.matching_phone}${f.address ? ` · ${f.address}` : ''}`
    else if (hit.matched === 'external_id' && f.external)
      detail = `${externalIdLabel(f.external.source)} ${f.external.id}${f.address ? ` · ${f.address}` : ''}`
    else if (f.best_part) detail = f.best_part
    if (f.status === 'archived') detail = `archived · ${detail}`
    return { label: f.label, detail }
  },
  /** '#number name', then when, status and the address. */
  ticket: (f) => ({ label: `#${f.number} ${f.name}`, detail: [f.when, f.status, f.address].filter(Boolean).join(' · ') }),
  /** The number, then the customer, what is due and the status. */
  invoice(f) {
    return {
      label: f.number,
      detail: `${f.name} · ${formatMoney(f.total_cents, f.currency)} total, ${formatMoney(f.amount_due_cents, f.currency)} due · ${f.status} · due ${f.due_on}`,
    }
  },
  /** The lead's name (or how to reach them), then status, contact details and interest. */
  lead: (f) => ({
    label: f.name || f.email || f.phone || String(f.raw_notes).slice(0, 60),
    detail: [`${f.status} lead`, f.phone, f.email, f.service_interest || String(f.raw_notes).slice(0, 80)].filter(Boolean).join(' · '),
  }),
}

/** About 90 characters of a note around the first word that begins like a word of q ("screens" finds "screen"). */
export function snippetOf(content: string, q: string): string {
  const flat = content.replace(/\s+/g, ' ').trim()
  if (flat.length <= 90) return flat
  const prefixes = q
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3)
    .map((w) => w.slice(0, Math.max(3, w.length - 2)))
  const match = [...flat.toLowerCase().matchAll(/[a-z0-9]+/g)].find((m) => prefixes.some((p) => m[0].startsWith(p)))
  const start = match ? flat.lastIndexOf(' ', Math.max(0, (match.index ?? 0) - 30)) + 1 : 0
  const piece = flat.slice(start, start + 90).replace(/\s\S*$/, '')
  return `${start > 0 ? '...' : ''}${piece}${start + piece.length < flat.length ? '...' : ''}`
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat
}

import type { Queryable } from '../../db/types.js'
import { phoneDigits } from '../../phone.js'
import { SqlParams } from '../../sql.js'
import { formatMoney } from '../../money.js'
import { phoneQueryOf } from '../../phone-query.js'
import { contactsWithExternalId, externalIdLabel } from '../contacts/external-ids.js'

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
 * The best record hits per kind (search_hits in migrations/0004_search.sql), labelled and described from the records;
 * `keyed` (externalIdHits) come first, each contact once.
 */
export async function searchRecords(
  tx: Queryable,
  q: string,
  kinds: string[],
  limit: number,
  filters: ContactFilters,
  keyed: RawHit[] = [],
): Promise<SearchHit[]> {
  if (!kinds.length) return []
  const asked = await phoneQueryOf(tx, q)
  const raw = await tx.query<RawHit>('select kind, id, score, matched, ref_id from search_hits($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
    asked,
    kinds,
    limit,
    filters.city ?? null,
    filters.postal_code ?? null,
    filters.attribute_key ?? null,
    filters.attribute_value ?? null,
    filters.service_id ?? null,
    filters.received_from ?? null,
    filters.received_to ?? null,
  ])
  const found = new Set(keyed.map((h) => h.id))
  return describeHits(tx, asked, [...keyed, ...raw.rows.filter((h) => h.kind !== 'contact' || !found.has(h.id))])
}

/** Contacts whose key in a system the business moved from is exactly q (a Square Customer ID, an import's id): a hit each, matched external_id. */
export async function externalIdHits(tx: Queryable, q: string): Promise<RawHit[]> {
  const ids = [...new Set((await contactsWithExternalId(tx, q)).map((c) => c.contact_id))]
  return ids.map((id) => ({ kind: 'contact', id, score: 1, matched: 'external_id', ref_id: null }))
}

/** Record hits labelled and described from their records, read in one statement; hits no longer readable are left out. */
export async function describeHits(tx: Queryable, q: string, hits: RawHit[]): Promise<SearchHit[]> {
  if (!hits.length) return []
  const facts = await factsOf(tx, q, hits)
  const out: SearchHit[] = []
  for (const hit of hits) {
    const f = facts.get(`${hit.kind}:${hit.id}`)
    if (!f) continue
    const note = hit.ref_id ? facts.get(`note:${hit.ref_id}`)?.content : undefined
    const snippet = typeof note === 'string' ? snippetOf(note, q) : undefined
    const { label, detail } = DESCRIBE[hit.kind](f, hit)
    out.push({
      kind: hit.kind,
      id: hit.id,
      label,
      detail: oneLine(snippet ? `note: ${snippet}` : detail),
      score: Math.round(hit.score * 1000) / 1000,
      matched: hit.matched,
    })
  }
  return out
}

type Facts = Record<string, any>

/**
 * What the hits' labels and details are made of, read in one statement as the app role (so row security applies):
 * each record's fields, and for note matches the note.
 */
async function factsOf(tx: Queryable, q: string, hits: RawHit[]): Promise<Map<string, Facts>> {
  const ids = (kind: string) => hits.filter((h) => h.kind === kind).map((h) => h.id)
  // Which part of a contact matched is worked out only for hits found by words or typos anywhere in it.
  const partOf = hits.filter((h) => h.kind === 'contact' && (h.matched === 'words' || h.matched === 'fuzzy')).map((h) => h.id)
  const notes = hits.map((h) => h.ref_id).filter((id): id is string => !!id)
  // Only the kinds the hits hold are read: planning a branch costs as much as running it.
  const params = new SqlParams()
  const branches: string[] = []
  const w = `with w as (select lower(${params.add(q)}::text) as q, websearch_to_tsquery('english', $1::text) as tsq,
    ${params.add(phoneDigits(q))}::text as digits, (select timezone from tenants where id = app_tenant()) as tz)`
  if (ids('contact').length) {
    branches.push(`select 'contact' as kind, c.id, jsonb_build_object('label', c.display_name, 'status', c.status, 'email', c.email, 'phone', c.phone,
       'address', (select concat_ws(', ', a.line1, a.city) from addresses a where a.contact_id = c.id and a.archived_at is null
                   order by a.created_at limit 1),
       'best_part', case when c.id = any(${params.add(partOf)}::uuid[]) then (select p.text from (
           select 'email ' || (x->>'value') as text from jsonb_array_elements(c.emails) x
           union all select 'address ' || concat_ws(', ', a.line1, a.line2, a.city, concat_ws(' ', a.state, a.postal_code))
             from addresses a where a.contact_id = c.id and a.archived_at is null
           union all select replace(t.key, '_', ' ') || ': ' || (t.value #>> '{}') from attributes t where t.contact_id = c.id
           union all select 'tag ' || tag from unnest(c.tags) tag) p
         order by greatest(word_similarity(w.q, lower(p.text)), case when to_tsvector('english', p.text) @@ w.tsq then 1 else 0 end) desc
         limit 1) end,
       'matching_phone', (select x->>'value' from jsonb_array_elements(c.phones) x
         where w.digits <> '' and regexp_replace(x->>'value', '\\D', '', 'g') like '%' || w.digits || '%' limit 1),
       'external', (select jsonb_build_object('source', k.source, 'id', k.external_id) from contact_external_ids k
         where k.contact_id = c.id and k.external_id = ${params.add(q.trim())} order by k.source limit 1)) as f
     from contacts c cross join w where c.id = any(${params.add(ids('contact'))}::uuid[])`)
  }
  if (ids('ticket').length) {
    branches.push(`select 'ticket' as kind, t.id, jsonb_build_object('number', t.number, 'name', c.display_name, 'status', t.status,
       'when', to_char(t.scheduled_start at time zone w.tz, 'Dy, Mon FMDD, YYYY FMHH12:MI AM'),
       'address', (select concat_ws(', ', a.line1, a.city) from addresses a where a.id = t.address_id)) as f
     from tickets t join contacts c on c.id = t.contact_id cross join w where t.id = any(${params.add(ids('ticket'))}::uuid[])`)
  }
  if (ids('invoice').length) {
    branches.push(`select 'invoice' as kind, i.id, jsonb_build_object('number', i.number, 'name', c.display_name, 'status', i.status, 'total_cents', i.total_cents,
       'amount_due_cents', i.amount_due_cents, 'currency', i.currency, 'due_on', i.due_on) as f
     from invoices i join contacts c on c.id = i.contact_id where i.id = any(${params.add(ids('invoice'))}::uuid[])`)
  }
  if (ids('lead').length) {
    branches.push(`select 'lead' as kind, l.id, jsonb_build_object('name', l.name, 'email', l.email, 'phone', l.phone, 'status', l.status,
       'service_interest', l.service_interest, 'raw_notes', l.raw_notes) as f
     from leads l where l.id = any(${params.add(ids('lead'))}::uuid[])`)
  }
  if (notes.length) {
    branches.push(`select 'note' as kind, n.id, jsonb_build_object('content', left(n.content, 2000)) as f
     from notes n where n.id = any(${params.add(notes)}::uuid[])`)
  }
  if (!branches.length) return new Map()
  const r = await tx.query<{ kind: string; id: string; f: Facts }>(`${w}\n     ${branches.join('\n     union all\n     ')}`, params.values)
  return new Map(r.rows.map((row) => [`${row.kind}:${row.id}`, row.f]))
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

import { z } from 'zod'
import { AppError, validationError } from '../../kernel/errors.js'
import { defineQuery } from '../../kernel/registry.js'
import { searchFunctionality } from './functionality.js'
import { businessCountry } from '../../vocabulary/business-country.js'
import { type ContextWanted, searchContext, searchContextRead } from './context.js'
import { RECORD_KINDS, SEARCH_KINDS, searchRecords, type SearchHit } from './model.js'
import { isoDate } from '../../kernel/schema-types.js'
import { readQuestion, readingShown } from './question-reader.js'
import { answerReading } from './question-answer.js'
import { isQuestion, isLookup, mayBeName } from './question.js'

const date = isoDate()

const kindList = z
  .string()
  .trim()
  .min(1)
  .transform((text, ctx) => {
    const kinds = [
      ...new Set(
        text
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      ),
    ]
    const unknown = kinds.filter((k) => !(SEARCH_KINDS as readonly string[]).includes(k))
    if (unknown.length || !kinds.length) {
      ctx.addIssue({
        code: 'custom',
        message: `${unknown.length ? `unknown kind ${unknown.join(', ')}` : 'names no kind'}; kinds: ${SEARCH_KINDS.join(', ')}`,
      })
      return z.NEVER
    }
    return kinds
  })

const attribute = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,62}(:.+)?$/, 'expected key or key:value, e.g. elderly or pets:dog')

/** One query across every kind of record and the product's own actions and data types, ranked like Spotlight. */
export const searchQuery = defineQuery({
  type: 'search',
  description:
    'Universal search: q finds contacts (name, email, phone by any 4+ digits, address, note text, attributes, custom text fields, ' +
    'and an external id typed exactly, e.g. a Square Customer ID: matched=external_id), ' +
    'tickets (#number, customer name), invoices (number, e.g. INV-2026-0007 or 0007), leads (name, email, phone, notes) and ' +
    "the product's own actions and data types (e.g. q=cancel appointment finds ticket.cancel). Typos are tolerated and words " +
    'stemmed. items: hits {kind, id, label, detail, score 0-1, matched}, grouped by kind (best group first), best first; ' +
    'limit applies per kind. kinds: comma list of contact, ticket, invoice, lead, action, data_type. Contact hits can be ' +
    'narrowed by attribute (key or key:value), city, postal_code, and service history: service_id and/or received_from, ' +
    "received_to (dates, inclusive, in the business's time zone) for a completed ticket in that period. Without those filters q " +
    'is also read as a plain question about customers: a place (town, ZIP, street), attribute or note words ("dog", "elderly ' +
    'woman"), a catalog service and a period ("screen cleaning last spring"), names; contacts satisfying every part come ' +
    'first (matched=question); when fewer than limit do, the closest follow, by how many parts they satisfy (matched=closest, ' +
    'with held: the parts satisfied, and missing: those not, e.g. "nothing says woman"). ' +
    'The page then also has read_as (the parts read: names, place, postal_code, street, attributes, service, between), ' +
    'read_by (rules or model), model_note (why a model reading was not used) and, for a question, reading (a sentence ' +
    'with the count, or which part left none). A q of one word looking for contacts without filters also gets ' +
    'first_name_count: how many customers have that word as the first word of their name ("Owen": 1 when Owen Park is ' +
    'the only Owen).',
  phrases: ['find', 'lookup', 'spotlight', 'search customers', 'where is'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    q: z.string().trim().min(1).max(200).describe('What to look for'),
    kinds: kindList.optional().describe(`Comma list of ${SEARCH_KINDS.join(', ')}; default all`),
    attribute: attribute.optional().describe('Only contacts with this attribute: key, or key:value (e.g. has_screens:true)'),
    city: z.string().trim().min(1).max(100).optional().describe('Only contacts with an address in this city'),
    postal_code: z.string().trim().min(1).max(20).optional().describe('Only contacts with an address in this postal code'),
    service_id: z.uuid().optional().describe('Only contacts with a completed ticket including this service'),
    received_from: date.optional().describe('Only contacts with a completed ticket on or after this date'),
    received_to: date.optional().describe('Only contacts with a completed ticket on or before this date'),
  }),
  record: z.object({
    kind: z.enum(SEARCH_KINDS),
    id: z.string(),
    label: z.string(),
    detail: z.string(),
    score: z.number(),
    matched: z.string(),
    held: z.array(z.string()).optional().describe('matched=closest: the parts of the question this contact satisfies'),
    missing: z.array(z.string()).optional().describe('matched=closest: the parts it does not, e.g. "nothing says woman"'),
  }),
  readAhead: async (p) => [await searchContextRead(p.q, contextWanted(p))],
  async run(ctx, req) {
    if (req.id !== undefined) {
      throw new AppError(
        'NOT_FOUND',
        `search has no records of its own: read a hit with its kind's data type, e.g. type=contacts&id=${req.id}`,
        { type: 'search', id: req.id, field: 'id' },
      )
    }
    const p = req.params
    if (p.received_from && p.received_to && p.received_to < p.received_from) {
      throw validationError([{ field: 'received_to', message: `must not be before received_from (${p.received_from})` }])
    }
    const kinds = new Set<string>(p.kinds ?? SEARCH_KINDS)
    const wanted = contextWanted(p)
    const context = await searchContext(ctx.db, p.q, wanted)
    // A customer's key in another system (Square's Customer ID) is the customer: no question to read in it.
    const keyed = context.keyed
    const read = wanted.question && !keyed.length ? await readQuestion(ctx, p.q, context) : null
    // Contacts looked for without filters, as for external ids: a first name then says whether it names one customer.
    const about: Record<string, unknown> = {
      ...(context.first_name_count === null ? {} : { first_name_count: context.first_name_count }),
      ...(read
        ? { read_as: readingShown(read.reading), read_by: read.by, ...(read.model_note ? { model_note: read.model_note } : {}) }
        : {}),
    }
    if (read && isQuestion(read.reading)) {
      const answer = await answerReading(ctx.db, p.q, read.reading, req.limit)
      if (answer.full || !mayBeName(read.reading)) return { items: answer.hits, next_cursor: null, ...about, reading: answer.sentence }
      // A surname that is a people word ("Young", "Old") made a name a question that found nobody: look the words up.
      about.reading = `${answer.sentence} Looked up as words instead.`
    }
    const [key, ...value] = p.attribute?.split(':') ?? []
    const records = await searchRecords(
      ctx.db,
      p.q,
      RECORD_KINDS.filter((k) => kinds.has(k)),
      req.limit,
      {
        city: p.city,
        postal_code: p.postal_code,
        attribute_key: key,
        attribute_value: value.length ? value.join(':') : undefined,
        service_id: p.service_id,
        received_from: p.received_from,
        received_to: p.received_to,
      },
      keyed,
      businessCountry(context.timezone),
    )
    // Words read as one attribute ("dog", "extension ladder") are looked for in attributes and notes, not in names.
    const traitOnly = read && read.reading.attributes.length === 1 && !read.reading.names.length
    const kept = traitOnly ? records.filter((h) => h.kind !== 'contact' || h.matched === 'words' || h.matched === 'note') : records
    const functionality = searchFunctionality(ctx.services.registry, p.q, req.limit, kinds)
    const page = { items: groupByKind([...kept, ...functionality]), next_cursor: null, ...about }
    return page
  },
})

type SearchParams = {
  q: string
  kinds?: string[]
  attribute?: string
  city?: string
  postal_code?: string
  service_id?: string
  received_from?: string
  received_to?: string
}

/**
 * What a search reads ahead: external ids when it looks for contacts without filters, and question words when q may be
 * a question too (no filters of the caller's own: theirs say exactly what they want; not a phone, email or number).
 */
function contextWanted(p: SearchParams): ContextWanted {
  const contacts = !p.kinds || p.kinds.includes('contact')
  const filtered = [p.attribute, p.city, p.postal_code, p.service_id, p.received_from, p.received_to].some((f) => f !== undefined)
  return { keyed: contacts && !filtered, question: contacts && !filtered && !isLookup(p.q) }
}

/** Hits grouped by kind, the group with the best hit first, each group best first. */
function groupByKind(hits: SearchHit[]): SearchHit[] {
  const groups = new Map<string, SearchHit[]>()
  for (const hit of hits) groups.set(hit.kind, [...(groups.get(hit.kind) ?? []), hit])
  return [...groups.values()]
    .map((group) => group.sort((a, b) => b.score - a.score))
    .sort((a, b) => b[0].score - a[0].score)
    .flat()
}

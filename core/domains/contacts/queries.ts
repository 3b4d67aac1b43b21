import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { mergedContacts } from '../../vocabulary/merged-contacts.js'
import { decodeCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { dayRange } from '../../vocabulary/time.js'
import { ADDRESS_RECORD, addressesOf } from '../addresses/model.js'
import { ATTRIBUTE_RECORD, attributesOf, parseAttributeFilters } from '../attributes/model.js'
import { addressCondition, attributeConditions } from './conditions.js'
import { customFilterCondition, customFilterParams } from '../custom-fields/values.js'
import { NOTE_RECORD, notesOf } from '../notes/model.js'
import { loadTenantSettings } from '../settings/model.js'
import { LIFECYCLES } from './lifecycle.js'
import { CONTACT_COLUMNS, CONTACT_LINK_VIEW, CONTACT_RECORD, linksOf } from './model.js'
import { CONTACT_ORDERS, CONTACT_VISITS } from './visits.js'
import { contactVisits } from './visit-source.js'
import { EXTERNAL_ID_RECORD, externalIdsOf } from './external-ids.js'
import { isoDate } from '../../kernel/schema-types.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'
import { phoneQueryOf } from '../../vocabulary/phone-query.js'
import { SqlParams, whereAll } from '../../kernel/sql.js'

const EXPANSIONS = {
  addresses: addressesOf,
  attributes: attributesOf,
  notes: notesOf,
  links: linksOf,
  external_ids: externalIdsOf,
} as const

/** Customers by id, or a list filtered by name, status, tags, attributes, where they live and what they had done. */
export const contactsQuery = defineQuery({
  type: 'contacts',
  exportColumns: [
    'id',
    'kind',
    'display_name',
    'first_name',
    'last_name',
    'email',
    'phone',
    'emails',
    'phones',
    'preferences',
    'tags',
    'status',
    'source',
    'about',
    'email_status',
    'lifecycle',
    'lifecycle_since',
    'legal_name',
    'industry',
    'website',
    'tax_id',
    'billing_address',
    'archived_at',
    'created_at',
    'updated_at',
    'merged_into',
    'merged_at',
  ],
  description:
    'Contacts (customers), each with custom_fields ({key: value}). Filters: q (name, typo-tolerant; also email, 4+ digits of a phone, ' +
    'or an external id exactly, e.g. a Square Customer ID), status ' +
    '(active|inactive|archived; default: all but archived), tag (several comma-separated: all must be present), ' +
    'attribute ("key" or "key:value", e.g. pet or customer_demographic:elderly; several comma-separated: all must match), ' +
    'city and postal_code (of an address in use; postal_code matches as a prefix), service_id with received_from/received_to ' +
    "(YYYY-MM-DD in the business's time zone, inclusive: had a completed ticket, with that service, scheduled in those dates). " +
    "words (name, email, phone, address, notes, attributes, custom text fields, through the universal search's index: its best 100 contacts; " +
    'also an external id exactly), ' +
    "kind (person|organization), industry (organizations in that industry, any case), works_at (an organization's id: the people " +
    "linked to it with works_at), lifecycle (prospect: no completed visit or payment yet; customer: one within the business's " +
    'lapsed_after_months, or a visit booked ahead; past_customer: history but nothing recent or booked), custom_field with custom_value ' +
    "(the business's own fields: custom_fields), sort (created, the default; name; last_visit: the latest completed visit first, never-visited last). " +
    'include: addresses (in use), attributes, notes (newest 20), links, visits (next_visit and last_visit: ticket id, number, start), ' +
    'external_ids (their keys in systems the business moved from: source, e.g. square, and external_id). Lists leave out contacts merged into another; ' +
    'reading a merged one by id shows merged: {into: {id, display_name}, at}; other data types filtered by its contact_id ' +
    'answer CONFLICT naming the survivor.',
  entity: 'contact',
  include: [...Object.keys(EXPANSIONS), 'visits'],
  phrases: ['customers', 'clients', 'people'],
  access: { agent: 'unrestricted', technician: 'assigned', technicianIncludes: ['addresses', 'attributes', 'notes'] },
  params: z.object({
    q: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['active', 'inactive', 'archived']).optional(),
    tag: z.string().trim().min(1).max(500).optional(),
    attribute: z.string().trim().min(1).max(500).optional(),
    city: z.string().trim().min(1).max(100).optional(),
    postal_code: z.string().trim().min(1).max(10).optional(),
    service_id: z.uuid().optional(),
    received_from: isoDate().optional(),
    received_to: isoDate().optional(),
    words: z.string().trim().min(1).max(200).optional(),
    kind: z.enum(['person', 'organization']).optional(),
    industry: z.string().trim().toLowerCase().min(1).max(100).optional(),
    works_at: z.uuid().optional(),
    lifecycle: z.enum(LIFECYCLES).optional(),
    sort: z.enum(['created', 'name', 'last_visit']).optional(),
    ...customFilterParams,
  }),
  record: CONTACT_RECORD.extend({
    merged: z.object({ into: z.object({ id: z.uuid(), display_name: z.string() }), at: timestamp, message: z.string() }).optional(),
    addresses: z.array(ADDRESS_RECORD).optional(),
    attributes: z.array(ATTRIBUTE_RECORD).optional(),
    notes: z.array(NOTE_RECORD).optional(),
    links: z.array(CONTACT_LINK_VIEW).optional(),
    external_ids: z.array(EXTERNAL_ID_RECORD).optional(),
    visits: CONTACT_VISITS.optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const p = req.params
    const params = new SqlParams()
    const arg = (value: unknown) => params.add(value)
    const where: string[] = []
    if (req.id) where.push(`c.id = ${arg(req.id)}`)
    else where.push('c.merged_into is null')
    if (p.status) where.push(`c.status = ${arg(p.status)}`)
    else if (!req.id) where.push('c.archived_at is null')
    const order = CONTACT_ORDERS[p.sort ?? 'created']
    // Through the function, which finds the matches by index (see migrations 0033 and 0034). In the default order it
    // gives each match's creation time too (0111): the matches are sorted first and the list reads only its page's rows,
    // however many customers a common word matches.
    const matchesInOrder = p.q !== undefined && order === CONTACT_ORDERS.created
    const asked = p.q === undefined ? undefined : await phoneQueryOf(ctx.db, p.q)
    if (p.q && !matchesInOrder) where.push(`c.id in (select contact_ids_matching(${arg(asked)}))`)
    if (p.words) {
      const words = arg(p.words)
      where.push(`(c.id in (select h.id from search_hits(${words}, array['contact'], 100) h)
        or c.id in (select x.contact_id from contact_external_ids x where x.external_id = ${words}))`)
    }
    if (p.kind) where.push(`c.kind = ${arg(p.kind)}`)
    const custom = await customFilterCondition(ctx.db, 'contact', 'c', p, arg)
    if (custom) where.push(custom)
    if (p.industry) where.push(`c.industry = ${arg(p.industry)}`)
    if (p.works_at) {
      where.push(
        `c.id in (select l.from_contact_id from contact_links l where l.to_contact_id = ${arg(p.works_at)} and l.link_type = 'works_at')`,
      )
    }
    if (p.lifecycle) where.push(`c.lifecycle = ${arg(p.lifecycle)}`)
    if (p.tag) {
      const tags = p.tag
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean)
      where.push(`c.tags @> ${arg(tags)}::text[]`)
    }
    if (p.attribute) {
      const filters = parseAttributeFilters(p.attribute)
      if (!filters)
        throw validationError([
          { field: 'attribute', message: 'expected "key" or "key:value" with a snake_case key, e.g. customer_demographic:elderly' },
        ])
      where.push(...attributeConditions(filters, arg))
    }
    if (p.city || p.postal_code) where.push(addressCondition(p.city, p.postal_code, arg))
    if (p.service_id || p.received_from || p.received_to) {
      if (p.received_from && p.received_to && p.received_from > p.received_to) {
        throw validationError([{ field: 'received_to', message: 'must be on or after received_from' }])
      }
      const zone = p.received_from || p.received_to ? (await loadTenantSettings(ctx.db)).timezone : ''
      const visit = {
        from: p.received_from ? dayRange(p.received_from, zone).start : undefined,
        to: p.received_to ? dayRange(p.received_to, zone).end : undefined,
        serviceId: p.service_id,
      }
      where.push(contactVisits().receivedCondition(visit, arg))
    }
    let after = ''
    if (req.cursor) {
      const [key, id] = decodeCursor(req.cursor, [order.type, 'uuid'])
      after = `(${arg(key)}::${order.type}, ${arg(id)}::uuid)`
      if (!matchesInOrder) where.push(`(${order.key}, c.id) ${order.after} ${after}`)
    }
    const columns = CONTACT_COLUMNS.split(',')
      .map((c) => `c.${c.trim()}`)
      .join(', ')
    const from = matchesInOrder
      ? `(select m.id, m.created_at from contacts_matching(${arg(asked)}) m
          ${after ? `where (m.created_at, m.id) > ${after}` : ''} order by m.created_at, m.id) m
         join contacts c on c.id = m.id`
      : 'contacts c'
    const orderBy = matchesInOrder ? 'm.created_at, m.id' : `${order.key} ${order.direction}, c.id ${order.direction}`
    const r = await ctx.db.query(
      `select ${columns}, (${order.key})::text as _sort_key from ${from}
       ${whereAll(where)}
       order by ${orderBy} limit ${arg(req.limit + 1)}`,
      params.values,
    )
    const page = pageOf(r.rows, req.limit, (row) => [row._sort_key, row.id])
    const merged = await mergedContacts(
      ctx.db,
      page.items.filter((c) => c.merged_into).map((c) => String(c.id)),
    )
    for (const item of page.items) {
      const m = merged.get(String(item.id))
      if (m)
        item.merged = {
          into: { id: m.merged_into, display_name: m.survivor_name },
          at: m.merged_at,
          message: `Merged into ${m.survivor_name} (contact_id ${m.merged_into}); read and act on that contact instead`,
        }
    }
    const ids = page.items.map((c) => String(c.id))
    for (const [name, load] of Object.entries(EXPANSIONS)) {
      if (!req.include.has(name)) continue
      const byContact = await load(ctx.db, ids)
      for (const item of page.items) item[name] = byContact.get(String(item.id)) ?? []
    }
    if (req.include.has('visits')) {
      const byContact = await contactVisits().visitsOf(ctx.db, ids, ctx.services.now())
      for (const item of page.items) item.visits = byContact.get(String(item.id))
    }
    return page
  },
})

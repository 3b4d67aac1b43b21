import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { freeForm, timestamp } from '../../output-types.js'
import { defineQuery } from '../../registry.js'

/** Each part of a customer's export: its name, and the statement reading it for the customer $1 (rows as stored). */
const PARTS = {
  addresses: 'select * from addresses where contact_id = $1 order by created_at, id',
  attributes: 'select * from attributes where contact_id = $1 order by key, id',
  notes: 'select * from notes where contact_id = $1 order by created_at, id',
  links: 'select * from contact_links where from_contact_id = $1 or to_contact_id = $1 order by created_at, id',
  external_ids: 'select * from contact_external_ids where contact_id = $1 order by source, external_id',
  tickets: 'select * from tickets where contact_id = $1 order by scheduled_start, id',
  ticket_line_items: `select li.* from ticket_line_items li join tickets t on t.tenant_id = li.tenant_id and t.id = li.ticket_id
    where t.contact_id = $1 order by li.ticket_id, li.position, li.id`,
  ticket_notes: `select n.* from notes n join tickets t on t.tenant_id = n.tenant_id and t.id = n.ticket_id where t.contact_id = $1 order by n.created_at, n.id`,
  series: 'select * from series where contact_id = $1 order by created_at, id',
  invoices: 'select * from invoices where contact_id = $1 order by created_at, id',
  invoice_line_items: `select li.* from invoice_line_items li join invoices i on i.tenant_id = li.tenant_id and i.id = li.invoice_id
    where i.contact_id = $1 order by li.invoice_id, li.position, li.id`,
  payments: `select p.* from payments p join invoices i on i.tenant_id = p.tenant_id and i.id = p.invoice_id where i.contact_id = $1 order by p.received_at, p.id`,
  messages: 'select * from scheduled_messages where contact_id = $1 order by send_at, id',
  email_events: 'select * from email_events where contact_id = $1 order by created_at, id',
  interactions: `select * from interactions where contact_id = $1
    or opportunity_id in (select id from opportunities where contact_id = $1) order by occurred_at, id`,
  waitlist: 'select * from waitlist_entries where contact_id = $1 order by created_at, id',
  leads: 'select * from leads where converted_contact_id = $1 order by created_at, id',
  // Each value beside its field's definition, so it reads as "Gate code: 4821" rather than a bare key.
  custom_fields: `select f.record, f.record_id, f.key, d.label, d.field_type, f.value from (
      select 'contact' as record, c.id as record_id, e.key, e.value, 0 as at from contacts c, jsonb_each(c.custom_fields) e where c.id = $1
      union all select 'ticket', t.id, e.key, e.value, 1 from tickets t, jsonb_each(t.custom_fields) e where t.contact_id = $1
    ) f left join custom_field_definitions d on d.key = f.key order by f.at, f.record_id, d.position, f.key`,
  opportunities: `select * from opportunities where contact_id = $1
    or lead_id in (select id from leads where converted_contact_id = $1) order by created_at, id`,
  quotes: 'select * from quotes where contact_id = $1 order by created_at, id',
  quote_line_items: `select li.* from quote_line_items li join quotes q on q.tenant_id = li.tenant_id and q.id = li.quote_id
    where q.contact_id = $1 order by li.quote_id, li.position, li.id`,
  orders: 'select * from orders where contact_id = $1 order by created_at, id',
  segments: `select s.id as segment_id, s.name, s.kind, m.added_at from segment_members m join segments s on s.tenant_id = m.tenant_id and s.id = m.segment_id
    where m.contact_id = $1 order by s.name, s.id`,
  // Files on the customer, their visits, their invoices and their quotes; the bytes are not in the export, each row names the owner's download link.
  documents: `select d.*, '/documents/' || d.id || '/file' as download from documents d where d.contact_id = $1
    or d.ticket_id in (select id from tickets where contact_id = $1) or d.invoice_id in (select id from invoices where contact_id = $1)
    or d.quote_id in (select id from quotes where contact_id = $1)
    order by d.created_at, d.id`,
  document_versions: `select v.*, '/documents/' || v.document_id || '/file?version=' || v.version as download from document_versions v
    join documents d on d.tenant_id = v.tenant_id and d.id = v.document_id where d.contact_id = $1
      or d.ticket_id in (select id from tickets where contact_id = $1) or d.invoice_id in (select id from invoices where contact_id = $1)
      or d.quote_id in (select id from quotes where contact_id = $1)
    order by d.created_at, v.document_id, v.version`,
} as const

/** The tables whose rows are the customer's own, for the audit entries about them. */
const AUDITED = ['addresses', 'attributes', 'notes', 'tickets', 'invoices', 'series', 'scheduled_messages', 'interactions', 'opportunities', 'quotes',
  'orders', 'documents']

type Part = keyof typeof PARTS

/** Everything held about one customer, as stored: for a request to see one's data (machine-readable; the owner's page shows it to read). */
export const customerExportQuery = defineQuery({
  type: 'customer_export',
  description: 'Everything the business holds about one customer (contact_id, required), for their request to see it, as one item (none when '
    + 'there is no such customer): the contact, '
    + `${Object.keys(PARTS).join(', ')}, and audit (every change to any of these, with who made it). Rows as stored. erased is true (with `
    + 'erased_at) when the customer was erased on request: what remains is only what the books keep. Owner only.',
  keywords: ['export customer data', 'data request', 'subject access', 'gdpr', 'privacy', 'download customer'],
  access: { agent: 'never', technician: 'none' },
  params: z.object({ contact_id: z.uuid() }),
  record: z.object({
    exported_at: timestamp,
    erased: z.boolean(),
    erased_at: timestamp.nullable(),
    contact: freeForm,
    ...Object.fromEntries(Object.keys(PARTS).map((k) => [k, z.array(freeForm)])) as Record<Part, z.ZodArray<typeof freeForm>>,
    audit: z.array(freeForm),
  }),
  async run(ctx, req) {
    const contactId = req.params.contact_id
    const contact = (await ctx.db.query('select * from contacts where id = $1', [contactId])).rows[0]
    // As any list: a customer this business does not have is no record, not an error (another business's id included).
    if (!contact) return { items: [], next_cursor: null }
    const parts: Record<string, unknown[]> = {}
    for (const [name, sql] of Object.entries(PARTS)) parts[name] = cleaned((await ctx.db.query(sql, [contactId])).rows)
    const audit = await auditOf(ctx.db, contactId)
    const erasedAt = contact.erased_at ? new Date(contact.erased_at as string).toISOString() : null
    const item = { exported_at: ctx.services.now().toISOString(), erased: erasedAt !== null, erased_at: erasedAt, contact: cleaned([contact])[0], ...parts, audit }
    return { items: [item], next_cursor: null }
  },
})

/** Every audit entry about the customer or their records, oldest first. */
async function auditOf(db: Queryable, contactId: string): Promise<Record<string, unknown>[]> {
  const owned = AUDITED.map((t) => `select id from ${t} where contact_id = $1`).join(' union all ')
  const r = await db.query(`select entity_type, entity_id, action, changes, actor_type, actor_id, reasoning, created_at from audit_log
    where entity_id = $1 or entity_id in (${owned}) order by created_at, id`, [contactId])
  return cleaned(r.rows)
}

/** Rows without the columns that are the system's own bookkeeping (search vectors, the business id), which say nothing about the person. */
function cleaned(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !['tenant_id', 'search', 'search_text', 'phone_key', 'phone_digits'].includes(k))))
}

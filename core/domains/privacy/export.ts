import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { freeForm, timestamp } from '../../kernel/output-types.js'
import type { CustomerReach, ExportPart, PersonalTable } from '../../personal-data/declare.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams } from '../../kernel/sql.js'
import { PERSONAL_DATA, EXPORT_VIEWS } from '../personal-data.js'

/** One part of the export read from a declared table. */
interface TablePart extends ExportPart {
  declared: PersonalTable
}

/** Every declared table's parts, in the order of the declarations. */
const TABLE_PARTS: TablePart[] = PERSONAL_DATA.flatMap((declared) =>
  (declared.export === null ? [] : Array.isArray(declared.export) ? declared.export : [declared.export]).map((p) => ({ ...p, declared })),
)

/** The parts of the export with their headings, in the order a person reads them: the tables', then the domains' own. */
export const EXPORT_PARTS: ReadonlyArray<{ part: string; heading: string }> = [...TABLE_PARTS, ...EXPORT_VIEWS]

/** The tables holding some personal column: the customer's rows of these are their records, whose audit entries the export carries. */
const RECORDS = PERSONAL_DATA.filter((t) => Object.values(t.columns).some((c) => c !== 'not personal')).map((t) => t.table)

/** Everything held about one customer, as stored: for a request to see one's data (machine-readable; the owner's page shows it to read). */
export const customerExportQuery = defineQuery({
  type: 'customer_export',
  description:
    'Everything the business holds about one customer (contact_id, required), for their request to see it, as one item (none when ' +
    'there is no such customer): the contact, ' +
    `${EXPORT_PARTS.map((p) => p.part).join(', ')}, and audit (every change to any of these, with who made it). Rows as stored. erased is true (with ` +
    'erased_at) when the customer was erased on request: what remains is only what the books keep. Owner only.',
  phrases: ['export customer data', 'data request', 'subject access', 'gdpr', 'privacy', 'download customer'],
  access: { agent: 'never', technician: 'none' },
  params: z.object({ contact_id: z.uuid() }),
  record: z.object({
    exported_at: timestamp,
    erased: z.boolean(),
    erased_at: timestamp.nullable(),
    contact: freeForm,
    ...(Object.fromEntries(EXPORT_PARTS.map((p) => [p.part, z.array(freeForm)])) as Record<string, z.ZodArray<typeof freeForm>>),
    audit: z.array(freeForm),
  }),
  async run(ctx, req) {
    const contactId = req.params.contact_id
    const contact = (await ctx.db.query('select * from contacts where id = $1', [contactId])).rows[0]
    // As any list: a customer this business does not have is no record, not an error (another business's id included).
    if (!contact) return { items: [], next_cursor: null }
    // The rows erasure would reach: the same declarations, the same walk (the contacts merged into them included).
    const reach = (await ctx.db.query<{ reach: CustomerReach }>('select personal_data_reach($1) as reach', [contactId])).rows[0].reach
    const parts: Record<string, unknown[]> = {}
    for (const p of TABLE_PARTS) parts[p.part] = cleaned(await partRows(ctx.db, p, reach))
    for (const view of EXPORT_VIEWS) parts[view.part] = cleaned(await view.rows(ctx.db, reach))
    const audit = await auditOf(ctx.db, reach)
    const erasedAt = contact.erased_at ? new Date(contact.erased_at as string).toISOString() : null
    const item = {
      exported_at: ctx.services.now().toISOString(),
      erased: erasedAt !== null,
      erased_at: erasedAt,
      contact: cleaned([contact])[0],
      ...parts,
      audit,
    }
    return { items: [item], next_cursor: null }
  },
})

/** A part's rows: the table's rows reached through its columns (all of them, or the part's own), as stored, with what the part adds. */
async function partRows(db: Queryable, p: TablePart, reach: CustomerReach): Promise<Record<string, unknown>[]> {
  const ways =
    p.declared.reach === 'mentions'
      ? []
      : Object.entries(p.declared.reach).flatMap(([column, to]) =>
          typeof to === 'string' && (!p.through || p.through.includes(column)) ? [[column, to]] : [],
        )
  const params = new SqlParams()
  const where = ways.map(([column, to]) => `t.${column} = any(${params.add(reach[to] ?? [])}::uuid[])`).join(' or ') || 'false'
  const adds = Object.entries(p.adds ?? {})
    .map(([name, sql]) => `, ${sql} as ${name}`)
    .join('')
  const r = await db.query(`select t.*${adds} from ${p.declared.table} t where ${where} order by ${p.order}`, params.values)
  return r.rows
}

/** Every audit entry about the customer or their records, oldest first. */
async function auditOf(db: Queryable, reach: CustomerReach): Promise<Record<string, unknown>[]> {
  const ids = RECORDS.flatMap((table) => reach[table] ?? [])
  const r = await db.query(
    `select entity_type, entity_id, action, changes, actor_type, actor_id, reasoning, created_at from audit_log
    where entity_id = any($1::uuid[]) order by created_at, id`,
    [ids],
  )
  return cleaned(r.rows)
}

/** Rows without the columns that are the system's own bookkeeping (search vectors, the business id), which say nothing about the person. */
function cleaned(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).filter(([k]) => !['tenant_id', 'search', 'search_text', 'phone_key', 'phone_digits'].includes(k)),
    ),
  )
}

import type { Queryable } from '../db/types.js'
import { isUuid } from '../kernel/schema-types.js'

/**
 * For each kind of record a technician may reach, the ids among $2 that technician $1 reaches: their assigned tickets,
 * and the customers, addresses, notes, attributes, line items and documents of those tickets; themself among users; the
 * whole service catalog; their own calendar feeds. A kind missing here is out of a technician's reach.
 */
const TECHNICIAN_REACH: Record<string, string> = {
  ticket: `select ticket_id as id from ticket_technicians where user_id = $1 and ticket_id = any($2::uuid[])`,
  line_item: `select li.id from ticket_line_items li join ticket_technicians tt on tt.tenant_id = li.tenant_id and tt.ticket_id = li.ticket_id
    where tt.user_id = $1 and li.id = any($2::uuid[])`,
  contact: `select t.contact_id as id from tickets t join ticket_technicians tt on tt.tenant_id = t.tenant_id and tt.ticket_id = t.id
    where tt.user_id = $1 and t.contact_id = any($2::uuid[])`,
  address: `select a.id from addresses a where a.id = any($2::uuid[]) and exists (select 1 from tickets t
    join ticket_technicians tt on tt.tenant_id = t.tenant_id and tt.ticket_id = t.id
    where tt.user_id = $1 and (t.address_id = a.id or t.contact_id = a.contact_id))`,
  attribute: `select x.id from attributes x where x.id = any($2::uuid[]) and exists (select 1 from tickets t
    join ticket_technicians tt on tt.tenant_id = t.tenant_id and tt.ticket_id = t.id where tt.user_id = $1 and t.contact_id = x.contact_id)`,
  note: `select n.id from notes n where n.id = any($2::uuid[]) and exists (select 1 from tickets t
    join ticket_technicians tt on tt.tenant_id = t.tenant_id and tt.ticket_id = t.id
    where tt.user_id = $1 and (t.id = n.ticket_id or t.contact_id = n.contact_id))`,
  document: `select d.id from documents d join ticket_technicians tt on tt.tenant_id = d.tenant_id and tt.ticket_id = d.ticket_id
    where tt.user_id = $1 and d.id = any($2::uuid[])`,
  user: `select id from users where id = $1 and id = any($2::uuid[])`,
  service: `select id from services where $1::uuid is not null and id = any($2::uuid[])`,
  calendar_feed: `select id from calendar_feeds where user_id = $1 and id = any($2::uuid[])`,
}

/** The table each kind of record a technician may reach lives in. */
const TABLES: Record<string, string> = {
  ticket: 'tickets',
  line_item: 'ticket_line_items',
  contact: 'contacts',
  address: 'addresses',
  attribute: 'attributes',
  note: 'notes',
  document: 'documents',
  user: 'users',
  service: 'services',
  calendar_feed: 'calendar_feeds',
}

/** The ids among the given ones that exist in this business, for a kind a technician may reach. */
export async function existingRecords(tx: Queryable, entity: string, ids: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(ids)].filter((id) => isUuid(id))
  if (!TABLES[entity] || !wanted.length) return new Set()
  const r = await tx.query<{ id: string }>(`select id from ${TABLES[entity]} where id = any($1::uuid[])`, [wanted])
  return new Set(r.rows.map((row) => String(row.id)))
}

/** Whether a technician can ever reach records of this kind. */
export function technicianCanReach(entity: string): boolean {
  return entity in TECHNICIAN_REACH
}

/** The ids among the given ones that the technician reaches (ids that are not UUIDs reach nothing). */
export async function reachedByTechnician(tx: Queryable, userId: string, entity: string, ids: readonly string[]): Promise<Set<string>> {
  const sql = TECHNICIAN_REACH[entity]
  const wanted = [...new Set(ids)].filter((id) => isUuid(id))
  if (!sql || !wanted.length) return new Set()
  const r = await tx.query<{ id: string }>(sql, [userId, wanted])
  return new Set(r.rows.map((row) => String(row.id)))
}

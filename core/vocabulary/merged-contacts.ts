import { entityOfField } from '../kernel/access.js'
import type { Queryable } from '../db/types.js'
import { remembered, type ReadAhead } from '../db/read-memo.js'
import { sqlArray } from '../db/tenant.js'
import { AppError, missingReference } from '../kernel/errors.js'
import { isUuid } from '../kernel/schema-types.js'

/** A contact that was merged into another: its id and name, and the survivor's. */
export interface MergedContact {
  id: string
  display_name: string
  merged_into: string
  survivor_name: string
  merged_at: Date | string
}

/** The refusal of a call that names a merged contact: it says which contact survived and how to call again. */
export function mergedContactError(field: string, m: MergedContact): AppError {
  return new AppError(
    'CONFLICT',
    `${field}: ${m.display_name} (contact_id ${m.id}) was merged into ${m.survivor_name} ` +
      `(contact_id ${m.merged_into}); call again with contact_id ${m.merged_into}`,
    { field, id: m.id, merged_into: { id: m.merged_into, display_name: m.survivor_name }, merged_at: m.merged_at },
  )
}

/** The merged contacts among ids, an array of uuids in SQL. */
function mergedSql(ids: string): string {
  return `select c.id, c.display_name, c.merged_into, s.display_name as survivor_name, c.merged_at
     from contacts c join contacts s on s.tenant_id = c.tenant_id and s.id = c.merged_into
     where c.id = any(${ids}::uuid[]) and c.merged_into is not null`
}

function mergedKey(wanted: readonly string[]): string {
  return `merged contacts ${wanted.join(',')}`
}

function wantedIds(ids: readonly string[]): string[] {
  return [...new Set(ids)].filter((id) => isUuid(id)).sort()
}

/** The merged contacts among the given ids, by id. */
export async function mergedContacts(tx: Queryable, ids: readonly string[]): Promise<Map<string, MergedContact>> {
  const wanted = wantedIds(ids)
  if (!wanted.length) return new Map()
  const r = await remembered(tx, mergedKey(wanted), () => tx.query<MergedContact>(mergedSql('$1'), [wanted]))
  return new Map(r.rows.map((row) => [String(row.id), row]))
}

/** The contacts a call's input names (contact_id, to_contact_id, contact_ids), field by field. */
function namedContacts(input: unknown): Array<[string, string[]]> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return []
  return Object.entries(input)
    .filter(([field, value]) => entityOfField(field) === 'contact' && value !== undefined && value !== null)
    .map(([field, value]) => [field, (Array.isArray(value) ? value : [value]).map(String)])
}

/** The check refuseMergedContacts makes, to send with the call's BEGIN; none when the input names no contact. */
export function mergedContactsRead(input: unknown): ReadAhead[] {
  const wanted = wantedIds(namedContacts(input).flatMap(([, ids]) => ids))
  if (!wanted.length) return []
  return [{ key: mergedKey(wanted), sql: mergedSql(sqlArray(wanted)) }]
}

/**
 * Refuses a call whose input (an action's data, or a read's filters with prefix '') names a merged contact (contact_id,
 * to_contact_id, contact_ids), naming the survivor.
 */
export async function refuseMergedContacts(tx: Queryable, input: unknown, prefix = 'data.'): Promise<void> {
  const named = namedContacts(input)
  if (!named.length) return
  const merged = await mergedContacts(
    tx,
    named.flatMap(([, ids]) => ids),
  )
  if (!merged.size) return
  for (const [field, ids] of named) {
    const hit = ids.find((id) => merged.has(id))
    if (hit) throw mergedContactError(`${prefix}${field}`, merged.get(hit) as MergedContact)
  }
}

/** The contact a field points at, or NOT_FOUND naming that field; a merged contact is refused, naming the survivor. */
export async function assertContact(
  tx: Queryable,
  id: string,
  field = 'data.contact_id',
): Promise<{ id: string; display_name: string; kind: string }> {
  const r = await tx.query<{ id: string; display_name: string; kind: string; merged_into: string | null }>(
    'select id, display_name, kind, merged_into from contacts where id = $1',
    [id],
  )
  if (!r.rows[0]) throw missingReference('contact', id, field)
  if (r.rows[0].merged_into) throw mergedContactError(field, (await mergedContacts(tx, [id])).get(id) as MergedContact)
  return { id: r.rows[0].id, display_name: r.rows[0].display_name, kind: r.rows[0].kind }
}

import type { Queryable } from '../../db/types.js'
import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'

/** The columns of an attribute as the API shows it. */
export const ATTRIBUTE_COLUMNS = `id, contact_id, key, value, source, confidence, confirmed_by, confirmed_at, source_ticket_id,
  created_at, updated_at`

/** An attribute key: snake_case, starting with a letter. */
export const ATTRIBUTE_KEY = /^[a-z][a-z0-9_]{0,62}$/

/**
 * SQL matching an attribute value (alias.value, jsonb) against the text parameter (e.g. "$3"), ignoring case: a string,
 * number or boolean equal to it, or an array holding it.
 */
export function attributeValueMatches(alias: string, param: string): string {
  return `(case jsonb_typeof(${alias}.value)
      when 'array' then exists (select 1 from jsonb_array_elements_text(${alias}.value) e where lower(e) = lower(${param}::text))
      when 'object' then false
      else lower(${alias}.value #>> '{}') = lower(${param}::text) end)`
}

/**
 * Splits "key" or "key:value" (also "key=value") into its parts; several are separated by commas.
 * Returns null for a part whose key is not snake_case.
 */
export function parseAttributeFilters(text: string): Array<{ key: string; value: string | null }> | null {
  const out: Array<{ key: string; value: string | null }> = []
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = part.search(/[:=]/)
    const key = (at < 0 ? part : part.slice(0, at)).trim().toLowerCase()
    const value = at < 0 ? null : part.slice(at + 1).trim()
    if (!ATTRIBUTE_KEY.test(key)) return null
    out.push({ key, value: value || null })
  }
  return out.length ? out : null
}

/** The attributes of each of the given contacts, by contact id, in key order. */
export async function attributesOf(tx: Queryable, contactIds: string[]): Promise<Map<string, unknown[]>> {
  const byContact = new Map<string, unknown[]>(contactIds.map((id) => [id, []]))
  if (!contactIds.length) return byContact
  const r = await tx.query<{ contact_id: string }>(
    `select ${ATTRIBUTE_COLUMNS} from attributes where contact_id = any($1::uuid[]) order by key`,
    [contactIds],
  )
  for (const row of r.rows) byContact.get(row.contact_id)?.push(row)
  return byContact
}

/** Where an attribute came from. */
export const ATTRIBUTE_SOURCES = ['note', 'ticket_closeout', 'manual', 'import'] as const

/** An attribute as the API shows it (ATTRIBUTE_COLUMNS); its value is any JSON. */
export const ATTRIBUTE_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  key: z.string(),
  value: z.unknown(),
  source: z.enum(ATTRIBUTE_SOURCES),
  confidence: z.number().nullable(),
  confirmed_by: z.uuid().nullable(),
  confirmed_at: timestamp.nullable(),
  source_ticket_id: z.uuid().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

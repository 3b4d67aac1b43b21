import type { Queryable } from '../../db/types.js'

/** The skip's words for n people: why they are not brought back, and how the owner has one of them again. */
export function erasedHereNote(n: number): string {
  const who = n === 1 ? '1 person in Google was' : `${n} people in Google were`
  return `${who} erased here on the customer’s request and not brought back; to have one as a customer again, add them by hand`
}

/**
 * The resource names among these whose customer was erased here (migration 0091 keeps a one-way mark of each): the
 * import and the refresh never bring them back.
 */
export async function erasedHere(tx: Queryable, resourceNames: string[]): Promise<Set<string>> {
  if (!resourceNames.length) return new Set()
  const r = await tx.query<{ resource_name: string }>(
    `select n as resource_name from unnest($1::text[]) n
     where exists (select 1 from google_contacts_erased e where e.tenant_id = app_tenant() and e.resource_hash = google_contact_mark(app_tenant(), n))`,
    [resourceNames],
  )
  return new Set(r.rows.map((x) => x.resource_name))
}

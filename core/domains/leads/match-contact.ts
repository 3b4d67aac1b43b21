import type { Queryable } from '../../db/types.js'
import { phoneKey, phoneKeySql } from '../../phone.js'

/** The columns of a contact as a converted lead or a request names it. */
export const CONTACT_SUMMARY = 'id, display_name, email, phone, status'

/** The contact an inquiry already is: by email first (any of theirs, any case), then by phone digits; active and older contacts first. */
export async function matchContact(tx: Queryable, email: string | null, phone: string | null) {
  const order = `order by (status = 'archived'), created_at, id limit 1`
  if (email) {
    const r = await tx.query(
      `select ${CONTACT_SUMMARY} from contacts
      where exists (select 1 from jsonb_array_elements(emails) e where lower(e->>'value') = lower($1)) ${order}`,
      [email],
    )
    if (r.rows[0]) return { contact: r.rows[0], matchedBy: 'email' as const }
  }
  const key = phone ? phoneKey(phone) : ''
  if (key.length >= 7) {
    const r = await tx.query(
      `select ${CONTACT_SUMMARY} from contacts
      where exists (select 1 from jsonb_array_elements(phones) p where ${phoneKeySql(`p->>'value'`)} = $1) ${order}`,
      [key],
    )
    if (r.rows[0]) return { contact: r.rows[0], matchedBy: 'phone' as const }
  }
  return null
}

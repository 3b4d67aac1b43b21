import type { Queryable } from '../../db/types.js'
import { tenantCountry } from '../../vocabulary/business-country.js'
import { phoneKey, phoneSearchDigits } from '../../vocabulary/phone.js'
import type { ContactChannel } from '../contacts/model.js'

/** The columns of a contact as a converted lead or a request names it. */
export const CONTACT_SUMMARY = 'id, display_name, email, phone, status'

/** The contact an inquiry already is: by email first (any of theirs, any case), then by phone (any of theirs, by its country's rules); active and older contacts first. */
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
  const country = phone ? await tenantCountry(tx) : undefined
  const key = phone ? phoneKey(phone, country) : ''
  if (phone && key.length >= 7) {
    // The digits narrow the candidates (any way of writing a number holds its national digits); the key decides.
    const r = await tx.query<Record<string, unknown> & { phones: ContactChannel[] }>(
      `select ${CONTACT_SUMMARY}, phones from contacts where phone_digits like '%' || $1 || '%' ${order.replace(' limit 1', '')}`,
      [phoneSearchDigits(phone, country)],
    )
    const found = r.rows.find((c) => c.phones.some((p) => phoneKey(p.value, country) === key))
    if (found) {
      const { phones: _, ...contact } = found
      return { contact, matchedBy: 'phone' as const }
    }
  }
  return null
}

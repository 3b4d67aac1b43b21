import type { Queryable } from '../../db/types.js'
import { notFound, validationError } from '../../kernel/errors.js'
import { firstNameOf } from '../contacts/first-name.js'

/** Who an offer goes to: a customer or a lead, by name, the name the email greets, and the address it goes to. */
export interface OfferRecipient {
  contactId: string | null
  leadId: string | null
  name: string
  /** As every email greets: {{customer_first_name}}'s rule. */
  firstName: string
  email: string
}

/**
 * The customer or lead an offer is for, refusing one it cannot reach: no email address, an address that bounced or
 * complained, a lead already converted (offer to its customer instead) or archived.
 */
export async function offerRecipient(tx: Queryable, ref: { contact_id?: string; lead_id?: string }): Promise<OfferRecipient> {
  if (ref.contact_id) {
    const r = await tx.query<{ display_name: string; first_name: string | null; email: string | null; email_status: string }>(
      'select display_name, first_name, email, email_status from contacts where id = $1',
      [ref.contact_id],
    )
    const c = r.rows[0]
    if (!c) throw notFound('contact', ref.contact_id)
    if (!c.email?.trim())
      throw validationError([{ field: 'data.contact_id', message: 'the customer has no email address; add one with contact.update' }])
    if (c.email_status !== 'ok')
      throw validationError([
        { field: 'data.contact_id', message: `email to ${c.email} ${c.email_status}; give the customer a working address` },
      ])
    return {
      contactId: ref.contact_id,
      leadId: null,
      name: c.display_name,
      firstName: firstNameOf(c.first_name, c.display_name),
      email: c.email.trim(),
    }
  }
  const id = ref.lead_id as string
  const r = await tx.query<{ name: string | null; email: string | null; status: string; converted_contact_id: string | null }>(
    'select name, email, status, converted_contact_id from leads where id = $1',
    [id],
  )
  const l = r.rows[0]
  if (!l) throw notFound('lead', id)
  if (l.status === 'converted')
    throw validationError([
      { field: 'data.lead_id', message: `the lead is already the customer ${l.converted_contact_id}: offer with contact_id` },
    ])
  if (l.status === 'archived') throw validationError([{ field: 'data.lead_id', message: 'the lead is archived; reopen it first' }])
  if (!l.email?.trim())
    throw validationError([{ field: 'data.lead_id', message: 'the lead has no email address; add one with lead.update' }])
  const name = l.name?.trim() || 'there'
  return { contactId: null, leadId: id, name, firstName: firstNameOf(null, name), email: l.email.trim() }
}

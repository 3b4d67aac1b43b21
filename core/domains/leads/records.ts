import type { OperationContext } from '../../kernel/context.js'

/**
 * Every kind of record that hangs on a lead (each table with a lead_id; a test checks the schema has no other), and how
 * it follows the customer the lead becomes: a note or an interaction has one subject and moves to the customer; an
 * opportunity, and a text to or from the lead's number, keeps the lead it came from and gains the customer.
 */
export const LEAD_RECORDS = [
  { key: 'notes', table: 'notes', entity: 'note', keepsLead: false },
  { key: 'interactions', table: 'interactions', entity: 'interaction', keepsLead: false },
  { key: 'opportunities', table: 'opportunities', entity: 'opportunity', keepsLead: true },
  { key: 'texts', table: 'text_messages', entity: 'text_message', keepsLead: true },
] as const

/**
 * Tables that point at a lead as where it came from (the email, or the request page's request, that made it) or as whom
 * it was made for (an offer of times, which books for the customer the lead became), not as something written on it:
 * they stay with the lead, which keeps the customer it became.
 */
export const LEAD_SOURCES = [
  { table: 'gmail_messages' },
  { table: 'inbound_emails' },
  { table: 'lead_requests' },
  { table: 'slot_offers' },
] as const

/** How many records of each kind moved to the customer. */
export type MovedLeadRecords = Record<(typeof LEAD_RECORDS)[number]['key'], number>

/** Moves what hangs on a lead to the customer it was converted to, in the caller's transaction, auditing each record (action follow_lead). */
export async function moveLeadRecords(ctx: OperationContext, leadId: string, contactId: string): Promise<MovedLeadRecords> {
  const moved = {} as MovedLeadRecords
  for (const kind of LEAD_RECORDS) {
    const r = await ctx.db.query<{ id: string }>(
      kind.keepsLead
        ? `update ${kind.table} set contact_id = $1 where lead_id = $2 and contact_id is null returning id`
        : `update ${kind.table} set contact_id = $1, lead_id = null where lead_id = $2 returning id`,
      [contactId, leadId],
    )
    for (const row of r.rows) {
      await ctx.audit({
        entityType: kind.entity,
        entityId: String(row.id),
        action: 'follow_lead',
        before: { lead_id: leadId, contact_id: null },
        after: { lead_id: kind.keepsLead ? leadId : null, contact_id: contactId },
      })
    }
    moved[kind.key] = r.rows.length
  }
  return moved
}

import type { Queryable } from '../../db/types.js'
import { validationError, missingReference } from '../../kernel/errors.js'
import { assertContact } from '../../vocabulary/merged-contacts.js'
import { leadConversion } from '../leads/model.js'

/** What an opportunity points at: its customer, the lead it came from and who works it; null clears one on an update. */
export interface OpportunityLinks {
  contact_id?: string | null
  lead_id?: string | null
  assignee_id?: string | null
}

/**
 * Checks that each record the input names exists in the business (NOT_FOUND naming the field), that the assignee is
 * a current team member, and that the opportunity is left with a contact or a lead (VALIDATION_ERROR naming both).
 */
export async function checkLinks(
  tx: Queryable,
  given: OpportunityLinks,
  after: { contact_id: string | null; lead_id: string | null },
): Promise<void> {
  if (!after.contact_id && !after.lead_id) {
    throw validationError(
      ['contact_id', 'lead_id'].map((f) => ({
        field: `data.${f}`,
        message: 'give a contact_id, a lead_id or both: whom the opportunity is with',
      })),
    )
  }
  if (given.contact_id) await assertContact(tx, given.contact_id)
  if (given.lead_id && !(await leadConversion(tx, given.lead_id))) {
    throw missingReference('lead', given.lead_id, 'data.lead_id')
  }
  if (given.assignee_id) {
    const r = await tx.query<{ deactivated_at: string | null }>('select deactivated_at from users where id = $1', [given.assignee_id])
    if (!r.rows[0]) throw missingReference('user', given.assignee_id, 'data.assignee_id')
    if (r.rows[0].deactivated_at)
      throw validationError([{ field: 'data.assignee_id', message: 'is a team member who was deactivated: choose a current one' }])
  }
}

/** The contact a converted lead became, for an opportunity opened on the lead without naming a contact. */
export async function contactOfLead(tx: Queryable, leadId: string): Promise<string | null> {
  return (await leadConversion(tx, leadId))?.converted_contact_id ?? null
}

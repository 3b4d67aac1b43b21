import type { Queryable } from '../../db/types.js'

/** The two consents a customer gives to be texted: visit texts, and marketing. */
export type ConsentKind = 'service' | 'marketing'

/** How a consent was given, as the owner records it. */
export const CONSENT_HOWS = ['request_form', 'phone_call', 'in_person', 'in_writing', 'reply'] as const
/** One of CONSENT_HOWS. */
export type ConsentHow = (typeof CONSENT_HOWS)[number]

/** A customer as texting sees them: their number, their choice of channel, their consents and their zone. */
export interface TextingContact {
  id: string
  display_name: string
  phone: string | null
  email: string | null
  message_channel: 'email' | 'text' | 'both'
  service_at: Date | null
  service_how: ConsentHow | null
  marketing_at: Date | null
  marketing_how: ConsentHow | null
  time_zone: string | null
}

/** The customer's texting facts, or null when there is no such customer. */
export async function textingContact(tx: Queryable, contactId: string): Promise<TextingContact | null> {
  const r = await tx.query<TextingContact>(
    `select c.id, c.display_name, c.phone, c.email, c.message_channel, tc.service_at, tc.service_how, tc.marketing_at,
            tc.marketing_how, tc.time_zone
     from contacts c left join text_consents tc on tc.contact_id = c.id where c.id = $1`,
    [contactId],
  )
  return r.rows[0] ?? null
}

/** Whether the number replied STOP and has not replied START since. */
export async function isStopped(tx: Queryable, phone: string): Promise<boolean> {
  const r = await tx.query('select 1 from text_opt_outs where phone = $1', [phone])
  return r.rows.length > 0
}

/** The business's texting number and daily limit (none set: no number, 200 a day). */
export async function textSettingsRow(tx: Queryable): Promise<{ from_number: string | null; daily_limit: number }> {
  const r = await tx.query<{ from_number: string | null; daily_limit: number }>('select from_number, daily_limit from text_settings')
  return r.rows[0] ?? { from_number: null, daily_limit: 200 }
}

/** Texts sent (or being sent) since a moment: what the daily limit counts. */
export async function textsSentSince(tx: Queryable, since: Date): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `select count(*)::int as n from text_messages where direction = 'out' and created_at >= $1 and status <> 'failed'`,
    [since],
  )
  return r.rows[0].n
}

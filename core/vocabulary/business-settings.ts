import { remembered, type ReadAhead } from '../db/read-memo.js'
import type { Queryable } from '../db/types.js'
import type { Weekday } from './time.js'

// The business's settings row lives in the tenants table, which core owns; every action sends its read with BEGIN.

/** Opening hours per weekday: a list of [start, end] wall-clock pairs such as ["08:00", "17:00"]. */
export type BusinessHours = Record<Weekday, Array<[string, string]>>

/** A business's settings as the domains use them. */
export interface TenantSettings {
  id: string
  name: string
  timezone: string
  business_hours: BusinessHours
  default_tax_rate_bp: number
  currency: string
  invoice_prefix: string
  invoice_terms_days: number
  reply_to_email: string | null
  /** The phone number customers' quote and invoice pages give; '' when none. */
  phone: string
  /** The business's own web site (an https address or a host, e.g. rocketcitywindows.com); null when none. */
  website: string | null
  payment_instructions: string
  /** Email a confirmation (with confirm, decline and change links) when an appointment is booked or moved. */
  send_confirmations: boolean
  /** Hours between an unanswered confirmation and each follow-up. */
  follow_up_after_hours: number
  /** At most this many follow-ups per unanswered confirmation (0: none). */
  follow_up_max: number
  /** Email a reminder the day before each appointment. */
  send_reminders: boolean
  /** The wall-clock time (HH:MM, business time zone) the day-before reminder goes out. */
  reminder_time: string
  /** Months without a completed visit or payment after which a customer becomes a past customer. */
  lapsed_after_months: number
  /** The public request page's address, /r/<request_slug>; null: no request page. */
  request_slug: string | null
  /** Invoice reminders, as days from the due date (negative before, 0 on the day, positive after); empty: none. */
  invoice_reminder_days: number[]
  /** Days before a sent quote lapses that its customer is emailed a follow-up; null: none. */
  quote_follow_up_days: number | null
  /** Where a review request sends the customer (e.g. the Google review page); null: no review requests. */
  review_link: string | null
  /** Days after a completed visit that its review request goes. */
  review_after_days: number
  /** A customer is asked for a review at most once in this many months. */
  review_every_months: number
  /** The logo's hash in the document store (settings.set_logo); null without a logo. */
  logo_sha256: string | null
  logo_content_type: string | null
  /** Hours an agent's call waits for the owner before it expires unanswered. */
  approval_expiry_hours: number
  /** The wall-clock time (HH:MM, business time zone) the nightly backup runs. */
  backup_time: string
  /** Nightly backups kept: the last this many days', weeks' and months' (each week's and month's latest). */
  backup_keep_daily: number
  backup_keep_weekly: number
  backup_keep_monthly: number
}

/** The columns of the tenants table that make up its settings. */
export const SETTINGS_COLUMNS = `id, name, timezone, business_hours, default_tax_rate_bp, currency, invoice_prefix,
  invoice_terms_days, reply_to_email, phone, website, payment_instructions, send_confirmations, follow_up_after_hours, follow_up_max,
  send_reminders, reminder_time, lapsed_after_months, request_slug, invoice_reminder_days, quote_follow_up_days, review_link,
  review_after_days, review_every_months, logo_sha256, logo_content_type, approval_expiry_hours, backup_time, backup_keep_daily,
  backup_keep_weekly, backup_keep_monthly`

/** The read of the transaction's tenant's settings, which an action's transaction sends with its BEGIN. */
export const SETTINGS_READ: ReadAhead = {
  key: 'tenant settings',
  sql: `select ${SETTINGS_COLUMNS} from tenants where id = app_tenant()`,
}

/** The settings of the transaction's tenant: read once in a transaction that sent SETTINGS_READ ahead. */
export async function loadTenantSettings(tx: Queryable): Promise<TenantSettings> {
  const r = await remembered(tx, SETTINGS_READ.key, () => tx.query<TenantSettings>(SETTINGS_READ.sql))
  if (!r.rows[0]) throw new Error('No tenant is set for this transaction')
  return r.rows[0]
}

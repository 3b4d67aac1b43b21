import { z } from 'zod'
import { WEEKDAYS } from '../../vocabulary/time.js'

// The read of the business's settings row is core's (the tenants table is core's); the domains reach it through here too.
export {
  type BusinessHours,
  loadTenantSettings,
  SETTINGS_COLUMNS,
  SETTINGS_READ,
  type TenantSettings,
} from '../../vocabulary/business-settings.js'

/** The settings as the API shows them (SETTINGS_COLUMNS). */
export const SETTINGS_RECORD = z.object({
  id: z.uuid(),
  name: z.string(),
  timezone: z.string(),
  business_hours: z.partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([z.string(), z.string()]))),
  default_tax_rate_bp: z.number().int(),
  currency: z.string(),
  invoice_prefix: z.string(),
  invoice_terms_days: z.number().int(),
  reply_to_email: z.string().nullable(),
  phone: z.string(),
  payment_instructions: z.string(),
  send_confirmations: z.boolean(),
  follow_up_after_hours: z.number().int(),
  follow_up_max: z.number().int(),
  send_reminders: z.boolean(),
  reminder_time: z.string(),
  lapsed_after_months: z.number().int(),
  request_slug: z.string().nullable(),
  invoice_reminder_days: z.array(z.number().int()),
  quote_follow_up_days: z.number().int().nullable(),
  review_link: z.string().nullable(),
  website: z.string().nullable(),
  review_after_days: z.number().int(),
  review_every_months: z.number().int(),
  logo_sha256: z.string().nullable(),
  logo_content_type: z.string().nullable(),
  approval_expiry_hours: z.number().int(),
  backup_time: z.string(),
  backup_keep_daily: z.number().int(),
  backup_keep_weekly: z.number().int(),
  backup_keep_monthly: z.number().int(),
})

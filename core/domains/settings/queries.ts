import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import { SETTINGS_COLUMNS, SETTINGS_RECORD, type TenantSettings } from './model.js'
import { waysToPay } from './ways-to-pay.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'

/** The business's settings, as one record whose id is the business's id. */
export const settingsQuery = defineQuery({
  type: 'settings',
  description:
    'The business settings, one record (id = the business id): name, timezone, business_hours per weekday ' +
    '(sun..sat: [start, end] HH:MM wall-clock pairs), default_tax_rate_bp (basis points), currency, invoice_prefix, ' +
    "invoice_terms_days, reply_to_email, phone (shown on customers' quote and invoice pages), payment_instructions; appointment emails: send_confirmations, follow_up_after_hours, " +
    'follow_up_max (0 = no follow-ups), send_reminders, reminder_time (HH:MM the day before, business time zone); ' +
    'logo_sha256 and logo_content_type (the logo set with settings.set_logo; null without); ' +
    'lapsed_after_months (a customer with no completed visit or payment for that long becomes a past customer); ' +
    'backup_time (HH:MM, business time zone, when the nightly backup runs) and backup_keep_daily, backup_keep_weekly, ' +
    'backup_keep_monthly (how many are kept; where they stand: data type backup_status); ' +
    'online_payments (true when this server takes card payments through Stripe: invoice emails then carry a pay link; ' +
    'with it false and payment_instructions empty, invoices carry no way to pay and are not emailed).',
  entity: 'tenant',
  phrases: ['business hours', 'opening hours', 'tax rate', 'time zone', 'company', 'configuration', 'reminders', 'confirmations'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: SETTINGS_RECORD.extend({ online_payments: z.boolean(), updated_at: timestamp, audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const r = await ctx.db.query<TenantSettings & { updated_at: Date }>(
      `select ${SETTINGS_COLUMNS}, updated_at from tenants where id = app_tenant() and ($1::uuid is null or id = $1)`,
      [req.id ?? null],
    )
    return { items: r.rows.map((row) => ({ ...row, online_payments: waysToPay(ctx.services, row).online })), next_cursor: null }
  },
})

/** What everyone in the business needs to show its pages: its name, time zone and currency. */
export const businessQuery = defineQuery({
  type: 'business',
  description:
    'The business as its pages show it, one record (id = the business id): name, timezone, currency. The full settings are data type settings.',
  access: { agent: 'unrestricted', technician: 'all' },
  params: z.object({}),
  record: z.object({ id: z.uuid(), name: z.string(), timezone: z.string(), currency: z.string() }),
  async run(ctx, req) {
    const r = await ctx.db.query(
      'select id, name, timezone, currency from tenants where id = app_tenant() and ($1::uuid is null or id = $1)',
      [req.id ?? null],
    )
    return { items: r.rows, next_cursor: null }
  },
})

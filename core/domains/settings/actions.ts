import { z } from 'zod'
import type { OwnerApproval } from '../../kernel/access.js'
import { AppError, validationError, type FieldIssue } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { isTimeZone } from '../../kernel/tenants.js'
import { SETTINGS_COLUMNS, SETTINGS_READ, SETTINGS_RECORD } from './model.js'
import { forgetRead } from '../../db/read-memo.js'
import { previewSettingsChange } from './preview.js'
import { assertDatabaseTimeZone } from '../../vocabulary/time-zone-check.js'
import { setClause } from '../../kernel/sql.js'
import { emitEvent } from '../../kernel/events.js'
import { page } from '../../vocabulary/places.js'
import { BACKUP_KEEP_FIELDS, backupKeep } from './backup-settings.js'
import { siteHost } from '../../text/customer-words/channels.js'

/** A wall-clock time of day, 00:00 to 23:59. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM from 00:00 to 23:59')
const openingHours = z
  .array(z.tuple([clock, clock]))
  .max(6)
  .describe(
    'Opening periods of the day as [start, end] pairs of HH:MM wall-clock times, e.g. [["08:00","12:00"],["13:00","17:00"]]; [] means closed',
  )

/** A request page's address: lower-case letters, digits and inner dashes, as the database's check says. */
const requestSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'expected 1 to 40 lower-case letters, digits or dashes, e.g. rocket-city-windows')

/**
 * The settings that decide who customers' emails come from, where their replies and payments go, what invoices charge,
 * and how many backups are kept (fewer kept deletes the older archives: a way to destroy history).
 */
/** The business's web site as the owner writes it: an http(s) address or a bare host with a dot in it. */
const website = z
  .string()
  .trim()
  .max(300)
  .refine((v) => /^(?:https?:\/\/)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/:?#]\S*)?$/i.test(v) && siteHost(v) !== null, {
    error: 'expected a web address such as https://rocketcitywindows.com or rocketcitywindows.com',
  })

const OWNER_APPROVES: OwnerApproval = {
  fields: [
    'name',
    'reply_to_email',
    'phone',
    'website',
    'payment_instructions',
    'currency',
    'default_tax_rate_bp',
    'request_slug',
    'review_link',
    'approval_expiry_hours',
    ...BACKUP_KEEP_FIELDS,
  ],
  why:
    "changes the name customers' emails come from, where their replies, calls, visits, payments and reviews go, what their " +
    'invoices charge, the address of the request page the owner gave out, how long calls wait for the owner, or how ' +
    'many backups are kept (keeping fewer deletes the older ones)',
}

/** Changes the business's own settings: name, time zone, hours, tax, currency and invoicing defaults. */
export const updateSettings = defineAction({
  key: 'settings.update',
  example: { payment_instructions: 'Checks payable to Clear View Windows' },
  phrases: [
    'change business hours',
    'change the sales tax rate',
    'change the time zone or company name',
    'business hours',
    'opening hours',
    'tax rate',
    'time zone',
    'invoice prefix',
    'company name',
    'confirmation emails',
    'appointment reminders',
    'follow-ups',
    'lapsed customers',
    'past customers',
    'payment reminders',
    'invoice reminders',
    'quote follow-up',
    'review requests',
    'backup time',
    'backup retention',
  ],
  title: 'Change the business settings',
  place: page('/settings', 'change the business details and emails'),
  words: { phrase: 'change your business settings' },
  description:
    'Update the business settings. Only the fields given change. business_hours: give only the weekdays ' +
    'to change (sun..sat), each a list of [start, end] HH:MM wall-clock pairs in the business time zone. default_tax_rate_bp ' +
    'is basis points (825 = 8.25 %). timezone is an IANA name such as America/Chicago. Appointment emails: send_confirmations ' +
    '(a confirmation with confirm/decline/change links when a ticket is booked or moved), follow_up_after_hours and ' +
    'follow_up_max (follow-ups of an unanswered confirmation, every N hours, at most M; 0 = none), send_reminders and ' +
    'reminder_time (HH:MM, business time zone, the day before). They apply to appointments booked or moved afterwards. ' +
    'lapsed_after_months: months without a completed visit or payment before a customer becomes a past customer; every ' +
    "customer and past customer is recomputed at once. phone: the number customers' quote and invoice pages give. website: " +
    "the business's own web site (its pages may be named in any words customers read; any other site waits for the owner). " +
    'request_slug: the public request page is /r/<request_slug> (unique across businesses; null closes it). Follow-ups ' +
    '(sent at reminder_time, business time zone): invoice_reminder_days (days from the due date, e.g. [-3, 0, 7]; [] = ' +
    'none), quote_follow_up_days (days before a sent quote lapses; null = none), review_link (http(s) address a review ' +
    'request sends the customer to; null = none), review_after_days and review_every_months. approval_expiry_hours: how long ' +
    "a call waiting for the owner's approval waits before it expires unanswered (1 to 720, default 72). Backups: backup_time " +
    '(HH:MM, business time zone, when the nightly backup runs), backup_keep_daily, backup_keep_weekly and backup_keep_monthly ' +
    "(how many nightly archives are kept: the last N days', weeks' and months'). An agent's call giving name, reply_to_email, " +
    'phone, website, payment_instructions, currency, default_tax_rate_bp, request_slug, review_link, approval_expiry_hours or a ' +
    "backup_keep_* field waits for the owner's approval (give reasoning); the other fields change at once.",
  // Hours, emails' timing, numbering and terms are everyday office work. The name emails come from, where customers reply
  // and pay, and what invoices charge are the owner's: a stolen token or a prompt-injected email must not redirect them.
  access: { agent: 'unrestricted', technician: 'none', ownerApproves: OWNER_APPROVES },
  preview: (ctx, input) => previewSettingsChange(ctx, input, OWNER_APPROVES),
  idempotent: true,
  input: z.strictObject({
    name: z.string().trim().min(1).max(200).optional().describe('The business name shown to customers'),
    timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as America/Chicago').optional(),
    business_hours: z
      .strictObject({
        sun: openingHours.optional(),
        mon: openingHours.optional(),
        tue: openingHours.optional(),
        wed: openingHours.optional(),
        thu: openingHours.optional(),
        fri: openingHours.optional(),
        sat: openingHours.optional(),
      })
      .optional(),
    default_tax_rate_bp: z.number().int().min(0).max(10_000).optional().describe('Sales tax in basis points: 825 = 8.25 %'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected a three-letter ISO 4217 code such as USD')
      .optional(),
    invoice_prefix: z
      .string()
      .regex(/^[A-Z0-9]{1,10}$/, 'expected 1 to 10 capital letters or digits, such as INV')
      .optional(),
    invoice_terms_days: z.number().int().min(0).max(365).optional().describe('Days until an invoice is due'),
    reply_to_email: z.email().max(320).nullable().optional().describe('Where customer replies go; null clears it'),
    phone: z
      .string()
      .trim()
      .max(40)
      .regex(/^[0-9+()./ -]*$/, 'expected a phone number of digits, spaces and + ( ) - . /, e.g. (256) 555-0100')
      .optional()
      .describe("The phone number customers' quote and invoice pages give; '' for none"),
    website: website
      .nullable()
      .optional()
      .describe("The business's own web site, e.g. https://rocketcitywindows.com or rocketcitywindows.com; null clears it"),
    payment_instructions: z.string().max(2000).optional().describe('Text printed on invoices, e.g. how to pay by check'),
    send_confirmations: z.boolean().optional().describe('Email a confirmation when an appointment is booked or moved'),
    follow_up_after_hours: z
      .number()
      .int()
      .min(1)
      .max(336)
      .optional()
      .describe('Hours after an unanswered confirmation (and between follow-ups) until the next follow-up, 1 to 336'),
    follow_up_max: z
      .number()
      .int()
      .min(0)
      .max(10)
      .optional()
      .describe('Most follow-ups per unanswered confirmation, 0 to 10; 0 sends none'),
    send_reminders: z.boolean().optional().describe('Email a reminder the day before each appointment'),
    reminder_time: clock.optional().describe('When the day-before reminder goes out, HH:MM in the business time zone, e.g. 09:00'),
    lapsed_after_months: z
      .number()
      .int()
      .min(1)
      .max(120)
      .optional()
      .describe('Months without a completed visit or payment after which a customer becomes a past customer, 1 to 120 (default 18)'),
    request_slug: requestSlug
      .nullable()
      .optional()
      .describe('The public request page is /r/<request_slug>, e.g. rocket-city-windows; null closes the page'),
    invoice_reminder_days: z
      .array(z.number().int().min(-60).max(120))
      .max(6)
      .optional()
      .describe(
        'Unpaid invoice reminders as days from the due date: -3 = three days before, 0 = on the day, 7 = a week after; [] sends none',
      ),
    quote_follow_up_days: z
      .number()
      .int()
      .min(1)
      .max(60)
      .nullable()
      .optional()
      .describe('Days before a sent quote lapses that the customer is emailed a follow-up, 1 to 60; null sends none'),
    review_link: z
      .url({ protocol: /^https?$/, error: 'expected an http or https address, e.g. https://g.page/r/your-business/review' })
      .max(2000)
      .nullable()
      .optional()
      .describe('The page a review request sends the customer to, e.g. the Google review page; null sends no review requests'),
    review_after_days: z
      .number()
      .int()
      .min(1)
      .max(30)
      .optional()
      .describe('Days after a completed visit that the review request goes, 1 to 30'),
    review_every_months: z
      .number()
      .int()
      .min(1)
      .max(120)
      .optional()
      .describe('A customer is asked for a review at most once in this many months, 1 to 120 (default 12)'),
    approval_expiry_hours: z
      .number()
      .int()
      .min(1)
      .max(720)
      .optional()
      .describe("Hours a call waiting for the owner's approval waits before it expires unanswered, 1 to 720 (default 72)"),
    backup_time: clock.optional().describe('When the nightly backup runs, HH:MM in the business time zone, e.g. 02:30 (the default)'),
    backup_keep_daily: backupKeep(1, 90, 7, 'daily backups kept (the last N days)'),
    backup_keep_weekly: backupKeep(0, 104, 4, "weekly backups kept (each of the last N weeks' latest)"),
    backup_keep_monthly: backupKeep(0, 120, 12, "monthly backups kept (each of the last N months' latest)"),
  }),
  output: SETTINGS_RECORD,
  async run(ctx, input) {
    if (input.timezone !== undefined) await assertDatabaseTimeZone(ctx.db, input.timezone, 'data.timezone')
    const current = await ctx.db.query(`select ${SETTINGS_COLUMNS} from tenants where id = $1 for update`, [ctx.tenantId])
    const before = current.rows[0]
    const { business_hours: hours, ...rest } = input
    const columns: Record<string, unknown> = { ...rest }
    if (hours) {
      checkHours(hours)
      columns.business_hours = JSON.stringify({ ...(before.business_hours as object), ...hours })
    }
    const { sets, values } = setClause(columns)
    if (!sets.length) return before
    values.push(ctx.tenantId)
    const r = await ctx.db
      .query(`update tenants set ${sets.join(', ')} where id = $${values.length} returning ${SETTINGS_COLUMNS}`, values)
      .catch((err) => {
        if ((err as { constraint?: string }).constraint !== 'tenants_request_slug') throw err
        throw new AppError('CONFLICT', `Another business already has the request page /r/${input.request_slug}: choose another`, {
          field: 'data.request_slug',
        })
      })
    forgetRead(ctx.db, SETTINGS_READ.key)
    await ctx.audit({ entityType: 'tenant', entityId: ctx.tenantId, action: 'update', before, after: r.rows[0] })
    await emitEvent(ctx, 'settings.updated', { before, after: r.rows[0] })
    return r.rows[0]
  },
})

/** Each day's periods must start before they end and must not overlap. */
function checkHours(hours: Partial<Record<string, Array<[string, string]>>>): void {
  const issues: FieldIssue[] = []
  for (const [day, periods] of Object.entries(hours)) {
    const sorted = [...(periods ?? [])].map((p, i) => ({ p, i })).sort((a, b) => a.p[0].localeCompare(b.p[0]))
    for (const { p, i } of sorted) {
      if (p[0] >= p[1])
        issues.push({
          field: `data.business_hours.${day}.${i}`,
          message: `starts at ${p[0]} but ends at ${p[1]}: the start must be before the end`,
        })
    }
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1].p
      const cur = sorted[k]
      if (cur.p[0] < prev[1])
        issues.push({ field: `data.business_hours.${day}.${cur.i}`, message: `${cur.p[0]}-${cur.p[1]} overlaps ${prev[0]}-${prev[1]}` })
    }
  }
  if (issues.length) throw validationError(issues)
}

declare module '../../kernel/events.js' {
  interface DomainEvents {
    /** The business's settings were changed, in the changing transaction: the settings before and after. */
    'settings.updated': { before: Record<string, unknown>; after: Record<string, unknown> }
  }
}

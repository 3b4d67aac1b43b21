import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { timestamp } from '../../kernel/output-types.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'
import { AppError, validationError, type FieldIssue } from '../../kernel/errors.js'

/** How a service is priced on a ticket. */
export type Pricing = 'fixed' | 'flexible' | 'per_unit' | 'product'

/** A catalog service as stored. */
export interface Service {
  id: string
  name: string
  description: string | null
  pricing: Pricing
  price_cents: number | null
  unit_name: string | null
  default_duration_minutes: number | null
  taxable: boolean
  /** Offered on the public request form. */
  bookable: boolean
  status: 'active' | 'archived'
  archived_at: Date | string | null
}

/** The columns of a service as the API shows it. */
export const SERVICE_COLUMNS = `id, name, description, pricing, price_cents, unit_name, default_duration_minutes, taxable, bookable, status,
  archived_at, created_at, updated_at`

/** Where services live, for lockRecord, auditedUpdate and auditedArchive (core/vocabulary/records.ts). */
export const SERVICE_TABLE: RecordKind = { table: 'services', columns: SERVICE_COLUMNS, entity: 'service' }

/** The business's services with these ids, by id; an id no service has is left out. */
export async function servicesById(tx: Queryable, ids: readonly string[]): Promise<Map<string, Service>> {
  if (!ids.length) return new Map()
  const r = await tx.query<Service>(`select ${SERVICE_COLUMNS} from services where id = any($1::uuid[])`, [[...new Set(ids)]])
  return new Map(r.rows.map((s) => [s.id, s]))
}

/** A service, locked for update, or NOT_FOUND. */
export async function lockService(tx: Queryable, id: string): Promise<Service & Record<string, unknown>> {
  return lockRecord<Service & Record<string, unknown>>(tx, SERVICE_TABLE, id)
}

/** The pricing rules a service must satisfy, checked with field names before the database's own checks. */
export function checkPricing(s: Pick<Service, 'pricing' | 'price_cents' | 'unit_name'>): void {
  const issues: FieldIssue[] = []
  if (s.pricing !== 'flexible' && s.price_cents === null) {
    const what = s.pricing === 'per_unit' ? 'the price of one unit' : 'the price'
    issues.push({ field: 'data.price_cents', message: `is required for ${s.pricing} pricing (${what})` })
  }
  if (s.pricing === 'per_unit' && !s.unit_name) {
    issues.push({ field: 'data.unit_name', message: 'is required for per_unit pricing, e.g. "screen"' })
  }
  if (s.pricing !== 'per_unit' && s.unit_name) {
    issues.push({ field: 'data.unit_name', message: `applies only to per_unit pricing, not ${s.pricing}; leave it out or set it to null` })
  }
  if (issues.length) throw validationError(issues)
}

/** How many records use a service: ticket and invoice lines and waitlist entries. */
export async function serviceUsage(tx: Queryable, id: string): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `select (select count(*) from ticket_line_items where service_id = $1)
          + (select count(*) from invoice_line_items where service_id = $1)
          + (select count(*) from waitlist_entries where service_id = $1) as n`,
    [id],
  )
  return Number(r.rows[0].n)
}

/** Two active services cannot share a name (case-insensitive); say which one holds it. */
export async function assertNameFree(tx: Queryable, name: string, exceptId: string | null): Promise<void> {
  const r = await tx.query<{ id: string }>(
    `select id from services where archived_at is null and lower(name) = lower($1) and ($2::uuid is null or id <> $2)`,
    [name, exceptId],
  )
  if (r.rows[0]) {
    throw new AppError(
      'CONFLICT',
      `An active service is already named "${name}" (service id ${r.rows[0].id}); choose another name or update that one`,
      { field: 'data.name', service_id: r.rows[0].id },
    )
  }
}

/** A catalog service as the API shows it (SERVICE_COLUMNS). */
export const SERVICE_RECORD = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  pricing: z.enum(['fixed', 'flexible', 'per_unit', 'product']),
  price_cents: z.number().int().nullable(),
  unit_name: z.string().nullable(),
  default_duration_minutes: z.number().int().nullable(),
  taxable: z.boolean(),
  bookable: z.boolean(),
  status: z.enum(['active', 'archived']),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

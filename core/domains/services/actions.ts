import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { auditedArchive, auditedInsert, auditedUpdate } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import {
  assertNameFree,
  checkPricing,
  lockService,
  type Service,
  SERVICE_COLUMNS,
  SERVICE_RECORD,
  SERVICE_TABLE,
  serviceUsage,
} from './model.js'
import { BY_AGENT_OR_API, page } from '../../vocabulary/places.js'

const cents = z.number().int().min(0).max(100_000_000)

const serviceFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable().optional(),
  pricing: z
    .enum(['fixed', 'flexible', 'per_unit', 'product'])
    .describe(
      'fixed: one set price; flexible: priced per ticket (price_cents is an optional suggestion); per_unit: price_cents per unit_name; product: a sold item at price_cents',
    ),
  price_cents: cents
    .nullable()
    .optional()
    .describe('Integer cents. fixed/product: the price; flexible: suggested price (optional); per_unit: price of one unit'),
  unit_name: z.string().trim().min(1).max(50).nullable().optional().describe('per_unit only: what one unit is, e.g. "screen"'),
  default_duration_minutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .nullable()
    .optional()
    .describe('Minutes one unit takes; a ticket line takes this times its quantity unless it gives its own duration'),
  taxable: z.boolean().default(true).describe('Whether the default tax rate applies'),
  bookable: z.boolean().default(false).describe('Whether customers may ask for it on the public request form'),
}

/** Adds a service to the catalog. */
export const createService = defineAction({
  key: 'service.create',
  example: { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 },
  phrases: [
    'add a service to what we offer',
    'we now offer a new service at a price',
    'we started offering something new',
    'start selling a new service',
    'catalog',
    'price list',
    'product',
    'new service',
  ],
  title: 'Add a service',
  place: page('/services', 'Add a service'),
  words: { phrase: 'add a service to your price list' },
  description:
    'Add a service or product to the catalog. Money in integer cents. ' +
    'Examples: Gutter Cleaning fixed 15000; Window Cleaning flexible (price set per ticket); Screen Cleaning per_unit 500 unit_name "screen".',
  access: { agent: 'unrestricted', technician: 'none', customerText: { names: ['name', 'unit_name'], screened: ['description'] } },
  input: z.strictObject(serviceFields),
  output: SERVICE_RECORD,
  async run(ctx, input) {
    const row = {
      ...input,
      description: input.description ?? null,
      price_cents: input.price_cents ?? null,
      unit_name: input.unit_name ?? null,
      default_duration_minutes: input.default_duration_minutes ?? null,
    }
    checkPricing(row)
    await assertNameFree(ctx.db, row.name, null)
    return auditedInsert(
      ctx,
      SERVICE_TABLE,
      `insert into services (tenant_id, name, description, pricing, price_cents, unit_name, default_duration_minutes, taxable, bookable)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${SERVICE_COLUMNS}`,
      [
        ctx.tenantId,
        row.name,
        row.description,
        row.pricing,
        row.price_cents,
        row.unit_name,
        row.default_duration_minutes,
        row.taxable,
        row.bookable,
      ],
    )
  },
})

/** Changes a catalog service; tickets already booked keep the prices they were given. */
export const updateService = defineAction({
  key: 'service.update',
  example: { service_id: 'Gutter Cleaning', price_cents: 14000 },
  phrases: ['change the price of a service', 'raise our prices', 'rename a service'],
  title: 'Change a service or its price',
  place: page('/services', 'pick the service, then Edit'),
  words: { phrase: 'change a service or its price' },
  description:
    'Update a catalog service. Only the fields given change; null clears description, unit_name, ' +
    "default_duration_minutes or a flexible service's suggested price. Tickets already booked keep their prices. " +
    'bookable: offered on the public request form.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { names: ['name', 'unit_name'], screened: ['description'] } },
  idempotent: true,
  input: z.strictObject({
    service_id: z.uuid(),
    name: serviceFields.name.optional(),
    description: serviceFields.description,
    pricing: serviceFields.pricing.optional(),
    price_cents: serviceFields.price_cents,
    unit_name: serviceFields.unit_name,
    default_duration_minutes: serviceFields.default_duration_minutes,
    taxable: z.boolean().optional(),
    bookable: z.boolean().optional().describe('Whether customers may ask for it on the public request form'),
  }),
  output: SERVICE_RECORD,
  async run(ctx, input) {
    const before = await lockService(ctx.db, input.service_id)
    const { service_id, ...changes } = input
    const merged = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as Service
    checkPricing(merged)
    if (changes.name !== undefined && before.status === 'active') await assertNameFree(ctx.db, changes.name, service_id)
    return auditedUpdate(ctx, SERVICE_TABLE, before, changes)
  },
})

/** Retires a service: it stays on past tickets and invoices but can no longer be booked. */
export const archiveService = defineAction({
  key: 'service.archive',
  phrases: [
    'we no longer offer that service',
    'stop offering a service',
    'retire a service from the catalog',
    "we don't do that work anymore",
  ],
  title: 'Archive a service',
  place: page('/services', 'pick the service, then Archive'),
  words: { phrase: 'archive a service' },
  description:
    'Archive a catalog service: kept on past tickets and invoices, no longer offered for new line items. ' +
    'Archiving twice changes nothing. Its name becomes free for a new service.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ service_id: z.uuid() }),
  output: SERVICE_RECORD,
  async run(ctx, input) {
    const before = await lockService(ctx.db, input.service_id)
    return auditedArchive(ctx, SERVICE_TABLE, before)
  },
})

/** Removes a service that nothing ever used (a typo, a test); a used one must be archived. */
export const deleteService = defineAction({
  key: 'service.delete',
  title: 'Delete a service',
  place: BY_AGENT_OR_API,
  words: { phrase: 'delete a service entered by mistake' },
  description:
    'Delete a catalog service that was never used on a ticket, invoice or waitlist entry. ' +
    'A used service cannot be deleted: archive it with service.archive.',
  access: { agent: 'soft_limit', technician: 'none' },
  destructive: true,
  input: z.strictObject({ service_id: z.uuid() }),
  output: z.object({ id: z.uuid(), deleted: z.literal(true) }),
  async run(ctx, input) {
    const before = await lockService(ctx.db, input.service_id)
    const uses = await serviceUsage(ctx.db, input.service_id)
    if (uses > 0) {
      throw new AppError(
        'CONFLICT',
        `${before.name} is used by ${uses} ticket line(s), invoice line(s) or waitlist entries and keeps that history: ` +
          'archive it with service.archive instead',
        { service_id: input.service_id, uses },
      )
    }
    await ctx.db.query('delete from services where id = $1', [input.service_id])
    await ctx.audit({ entityType: 'service', entityId: input.service_id, action: 'delete', before, after: null })
    return { id: input.service_id, deleted: true }
  },
})

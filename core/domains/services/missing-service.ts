import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'

/** Catalog names an error lists at most; a larger catalog is read with the services data type. */
export const CATALOG_NAMED = 20

/** The smallest service.create data that adds a bookable service: a fixed price in cents and a length in minutes. */
function addServiceData(name = 'Window Cleaning'): Record<string, unknown> {
  return { name, pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 }
}

/** The call that adds a service, as an agent writes it: the action's name and its data. */
export function addServiceCall(name?: string): string {
  return `service.create ${JSON.stringify(addServiceData(name))}`
}

/** The names of the first active services of the catalog, in name order (at most CATALOG_NAMED). */
export async function catalogNames(tx: Queryable): Promise<string[]> {
  const r = await tx.query<{ name: string }>(
    `select name from services where status = 'active' order by lower(name), id limit ${CATALOG_NAMED}`,
  )
  return r.rows.map((s) => s.name)
}

/**
 * The NOT_FOUND a booking gets for a service that is not in the catalog (given by name or by id): what the catalog holds,
 * or that it is empty, and how to add the service with service.create, so a fresh business's first booking says what it
 * lacks instead of only failing.
 */
export function missingService(p: { field: string; name?: string; id?: string; catalog: string[] }): AppError {
  const asked = p.name === undefined ? `no service with id ${p.id}` : `no service named like "${p.name}"`
  const call = addServiceCall(p.name)
  const message = p.catalog.length
    ? `${p.field}: ${asked}; the catalog: ${p.catalog.join(', ')}. To add a new one: ${call} with its real price and length`
    : `${p.field}: ${asked}: the catalog has no services yet, so nothing can be booked by service. Add each service the ` +
      `business offers with ${call} (its real price_cents and default_duration_minutes; pricing fixed, flexible, ` +
      'per_unit or product), then book again'
  return new AppError('NOT_FOUND', message, {
    field: p.field,
    entity: 'service',
    ...(p.id === undefined ? {} : { id: p.id }),
    choices: p.catalog,
    fix: 'service.create',
  })
}

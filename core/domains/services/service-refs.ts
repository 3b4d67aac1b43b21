import { z } from 'zod'
import { bindable } from '../../kernel/bindable.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { isUuid } from '../../kernel/schema-types.js'
import { serviceNamed } from './service-names.js'

/** A catalog service as a call that names one needs it: its id, name and usual length. */
export interface ServiceRef {
  id: string
  name: string
  default_duration_minutes: number | null
}

/** A catalog service given by id or by name (any case; part of a name when only one service has it). */
export const serviceRef = bindable(z.union([z.uuid(), z.string().trim().min(1).max(200).describe('A name')]), {
  what: 'a service',
  // A name may mean another service once the catalog changes: a call that waits keeps the id it meant.
  bind: async (ctx, value, field) => (isUuid(String(value)) ? value : (await serviceOf(ctx.db, String(value), field)).id),
})

/**
 * The catalog service an id or a name means. An id no service has is NOT_FOUND; a name is a mistake in the call when no
 * active service or several have it, answered as VALIDATION_ERROR naming the field and the services to choose from.
 */
export async function serviceOf(tx: Queryable, ref: string, field: string): Promise<ServiceRef> {
  const id = isUuid(ref) ? ref.toLowerCase() : await namedOrInvalid(tx, ref, field)
  const r = await tx.query<ServiceRef>('select id, name, default_duration_minutes from services where id = $1', [id])
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `${field}: no service with id ${ref}`, { field, entity: 'service', id: ref })
  return r.rows[0]
}

async function namedOrInvalid(tx: Queryable, name: string, field: string): Promise<string> {
  try {
    return await serviceNamed(tx, name, field)
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') throw err
    // A name nobody's catalog has is the caller's words to fix, like an unknown team member's name: 400 with the choices.
    const choices = ((err.details as { choices?: string[] } | undefined)?.choices ?? []) as string[]
    const message = err.message.slice(`${field}: `.length)
    throw new AppError('VALIDATION_ERROR', err.message, { issues: [{ field, message }], choices })
  }
}

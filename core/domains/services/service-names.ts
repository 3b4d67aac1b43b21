import { z } from 'zod'
import { bindable } from '../../kernel/bindable.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { missingService } from './missing-service.js'

/** Names an error lists at most; a larger catalog is read with the services data type. */
const MAX_NAMES = 20

/**
 * The active catalog service a name means: the one of that whole name (any case), else the only one whose name contains
 * it. A name several services contain is refused with their names, one no service has with the catalog's names.
 */
export async function serviceNamed(tx: Queryable, name: string, field: string): Promise<string> {
  const r = await tx.query<{ id: string; name: string }>(`select id, name from services where status = 'active' order by lower(name), id`)
  const wanted = name.trim().replace(/\s+/g, ' ').toLowerCase()
  const whole = r.rows.filter((s) => s.name.toLowerCase() === wanted)
  const found = whole.length ? whole : r.rows.filter((s) => s.name.toLowerCase().includes(wanted))
  if (found.length === 1) return found[0].id
  const names = (found.length ? found : r.rows).map((s) => s.name).slice(0, MAX_NAMES)
  if (found.length) {
    throw new AppError('VALIDATION_ERROR', `${field}: "${name}" could be ${names.join(', ')}; give the whole name or service_id`, {
      issues: [{ field, message: `"${name}" could be ${names.join(', ')}` }],
      choices: names,
    })
  }
  throw missingService({ field, name, catalog: names })
}

/** A catalog service given by name in a call; a call that waits for the owner keeps the whole name of the service it meant. */
export const serviceNameInput = bindable(z.string().trim().min(1).max(200), {
  what: 'a service',
  bind: async (ctx, value, field) => {
    const id = await serviceNamed(ctx.db, String(value), field)
    return (await ctx.db.query<{ name: string }>('select name from services where id = $1', [id])).rows[0].name
  },
})

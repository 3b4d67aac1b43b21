import { z } from 'zod'
import type { Database } from '../core/db/types.js'
import { AppError } from '../core/kernel/errors.js'
import { describeDatabase, UsageError } from './command.js'

/** Where an operator finds a business's id. */
export const WHERE_THE_ID_IS =
  "a business's id is on its owner's settings page (/settings), in the server's first start banner (business id: ...) and printed by crm tenant create"

/** The value of --tenant: a business id, left out when the database holds only one business. */
export const tenantOption = z.uuid(`expected a business id, a UUID: ${WHERE_THE_ID_IS}`).optional()

/** Businesses named when a command has to say which exist; the rest are counted. */
const NAMED = 10

/** A business as the operator chooses it. */
export interface Business {
  id: string
  name: string
}

/** The business a command acts in: the one --tenant names, else the only one in the database; with several, --tenant is required. */
export async function businessOf(db: Database, given: string | undefined): Promise<Business> {
  const all = (await db.query<Business>('select id, name from operator_businesses()')).rows
  if (given) {
    const found = all.find((b) => b.id === given)
    if (!found)
      throw new AppError(
        'NOT_FOUND',
        `No business with id ${given} in ${describeDatabase()}; ` +
          (all.length ? `it holds ${choices(all)} (${WHERE_THE_ID_IS})` : 'it holds no business yet: create one with crm tenant create'),
        { entity: 'tenant', id: given, field: '--tenant' },
      )
    return found
  }
  if (all.length === 1) return all[0]
  if (!all.length)
    throw new AppError(
      'NOT_FOUND',
      'This database holds no business yet: create one with crm tenant create, or start the server once (npm start)',
    )
  throw new UsageError(
    `--tenant is required: this database holds ${all.length} businesses: ${choices(all)} (${WHERE_THE_ID_IS})`,
    '--tenant',
  )
}

/** The businesses as a sentence lists them: id and name, the first few. */
function choices(all: Business[]): string {
  const named = all
    .slice(0, NAMED)
    .map((b) => `${b.id} ("${b.name}")`)
    .join(', ')
  return all.length > NAMED ? `${named} and ${all.length - NAMED} more` : named
}

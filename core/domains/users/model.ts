import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { timestamp } from '../../kernel/output-types.js'
import { AppError } from '../../kernel/errors.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'

/** The columns of a team member as the API shows them. */
export const USER_COLUMNS = `id, name, email, role, created_at, deactivated_at`

/** A team member, locked for update, or NOT_FOUND. */
export async function lockUser(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  return lockRecord(tx, USER_TABLE, id)
}

/** Where team members live, for lockRecord and the audited writes of core/vocabulary/records.ts. */
export const USER_TABLE: RecordKind = { table: 'users', columns: USER_COLUMNS, entity: 'user' }

/** Refuses an email address another team member of this business already signs in with. */
export async function assertEmailFree(tx: Queryable, email: string, exceptId: string | null = null): Promise<void> {
  const r = await tx.query<{ id: string; name: string }>(
    'select id, name from users where lower(email) = lower($1) and ($2::uuid is null or id <> $2)',
    [email, exceptId],
  )
  const other = r.rows[0]
  if (other) {
    throw new AppError('CONFLICT', `${email} already belongs to team member ${other.name || '(no name)'} (user id ${other.id})`, {
      field: 'data.email',
      user_id: other.id,
    })
  }
}

/** A team member as the API shows them (USER_COLUMNS); name is empty until they give one; deactivated_at set once they can no longer sign in. */
export const USER_RECORD = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['owner', 'technician']),
  created_at: timestamp,
  deactivated_at: timestamp.nullable(),
})

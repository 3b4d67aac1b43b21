import type { Queryable } from '../../db/types.js'
import { notFound } from '../../errors.js'

/** The columns of a contact as the API shows it. */
export const CONTACT_COLUMNS = `id, kind, display_name, first_name, last_name, email, phone, emails, phones, status, created_at, updated_at`

/** A contact row, locked for update, or NOT_FOUND. */
export async function lockContact(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  const r = await tx.query(`select ${CONTACT_COLUMNS} from contacts where id = $1 for update`, [id])
  if (!r.rows[0]) throw notFound('contact', id)
  return r.rows[0]
}

/** The display name a person or organization is shown by when none is given. */
export function displayNameOf(input: { display_name?: string | null; first_name?: string | null; last_name?: string | null }): string | undefined {
  return input.display_name?.trim() || [input.first_name, input.last_name].filter((p) => p?.trim()).join(' ').trim() || undefined
}

/** One email address or phone number of a contact. */
export interface ContactChannel {
  value: string
  label?: string | null
  primary?: boolean
}

/** The list with `value` as its primary entry (replacing the old primary), or without a primary when value is null. */
export function withPrimary(list: ContactChannel[], value: string | null): ContactChannel[] {
  const others = list.filter((c) => !c.primary && c.value !== value)
  return value === null ? others : [{ value, label: list.find((c) => c.primary)?.label ?? null, primary: true }, ...others]
}

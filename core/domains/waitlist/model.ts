import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'
import { WEEKDAYS } from '../../vocabulary/time.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { servicesById } from '../services/model.js'

/** The columns of a waitlist entry as the API shows it. */
export const WAITLIST_COLUMNS = `id, contact_id, service_id, address_id, earliest_date, latest_date, preferred_days, time_of_day, status, notes,
  ticket_id, archived_at, created_at, updated_at`

/** Statuses of an entry still waiting for a slot; only these change. */
export const OPEN_STATUSES = ['waiting', 'offered']

/** Where waitlist entries live, for lockRecord, auditedUpdate and auditedArchive (core/vocabulary/records.ts). */
export const WAITLIST_TABLE: RecordKind = {
  table: 'waitlist_entries',
  columns: WAITLIST_COLUMNS,
  entity: 'waitlist_entry',
  noun: 'waitlist entry',
}

/** A waitlist entry, locked for update, or NOT_FOUND. */
export async function lockEntry(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  return lockRecord(tx, WAITLIST_TABLE, id)
}

/** Refuses to change an entry that is no longer waiting, naming its status. */
export function assertOpen(entry: Record<string, unknown>, wanted: string): void {
  if (OPEN_STATUSES.includes(String(entry.status))) return
  throw new AppError(
    'CONFLICT',
    `Waitlist entry ${entry.id} is ${entry.status} and cannot be ${wanted}; add a new entry with waitlist.add`,
    { from: entry.status, to: wanted },
  )
}

/** Checks the references and dates of an entry as it would be stored (and, given today, that it is not over); problems name their field. */
export async function checkEntry(
  tx: Queryable,
  e: { contact_id: string; service_id: string | null; address_id: string | null; earliest_date: string; latest_date: string },
  today: string | null,
): Promise<void> {
  const contact = await tx.query('select 1 from contacts where id = $1', [e.contact_id])
  if (!contact.rows.length) throw notFound('contact', e.contact_id)
  if (e.service_id && !(await servicesById(tx, [e.service_id])).has(e.service_id)) throw notFound('service', e.service_id)
  if (e.address_id) {
    const a = await tx.query<{ contact_id: string }>('select contact_id from addresses where id = $1', [e.address_id])
    if (!a.rows.length) throw notFound('address', e.address_id)
    if (a.rows[0].contact_id !== e.contact_id) {
      throw validationError([{ field: 'data.address_id', message: `is an address of another contact, not of contact ${e.contact_id}` }])
    }
  }
  if (e.latest_date < e.earliest_date) {
    throw validationError([{ field: 'data.latest_date', message: `must be on or after earliest_date ${e.earliest_date}` }])
  }
  if (today && e.latest_date < today) throw validationError([{ field: 'data.latest_date', message: `is in the past (today is ${today})` }])
}

/** An open entry of the same contact for the same service (or for no service), other than the given one. */
export async function findOpenDuplicate(tx: Queryable, contactId: string, serviceId: string | null, exceptId: string | null) {
  const r = await tx.query<{ id: string }>(
    `select id from waitlist_entries where contact_id = $1 and service_id is not distinct from $2 and status in ('waiting', 'offered')
       and ($3::uuid is null or id <> $3) limit 1`,
    [contactId, serviceId, exceptId],
  )
  return r.rows[0]?.id ?? null
}

/** The CONFLICT for a second open entry, naming the first. */
export function duplicateEntry(existingId: string): AppError {
  return new AppError(
    'CONFLICT',
    `This contact is already waiting for this service in entry ${existingId}; change it with waitlist.update`,
    { waitlist_entry_id: existingId },
  )
}

/** A waitlist entry as the API shows it (WAITLIST_COLUMNS). */
export const WAITLIST_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  service_id: z.uuid().nullable(),
  address_id: z.uuid().nullable(),
  earliest_date: calendarDay,
  latest_date: calendarDay,
  preferred_days: z.array(z.enum(WEEKDAYS)),
  time_of_day: z.enum(['any', 'morning', 'afternoon']),
  status: z.enum(['waiting', 'offered', 'scheduled', 'removed']).describe('removed exactly when archived_at is set'),
  notes: z.string().nullable(),
  ticket_id: z.uuid().nullable(),
  archived_at: timestamp.nullable().describe('When it was taken off the list'),
  created_at: timestamp,
  updated_at: timestamp,
})

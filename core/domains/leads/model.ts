import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { timestamp } from '../../kernel/output-types.js'
import { AppError } from '../../kernel/errors.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'

/** The columns of a lead as the API shows it. */
export const LEAD_COLUMNS = `id, status, raw_notes, name, phone, email, address, service_interest, source, urgency, property_details,
  access_notes, preferred_times, reminder_at, converted_contact_id, converted_at, archive_reason, archived_at, created_at, updated_at`

/** A lead as the API shows it (LEAD_COLUMNS). */
export const LEAD_RECORD = z.object({
  id: z.uuid(),
  status: z.enum(['new', 'contacted', 'qualified', 'converted', 'archived']),
  raw_notes: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  service_interest: z.string().nullable(),
  source: z.string().nullable(),
  urgency: z.enum(['low', 'normal', 'high']).nullable(),
  property_details: z.string().nullable(),
  access_notes: z.string().nullable().describe('Getting in: gate code, pets, parking'),
  preferred_times: z.string().nullable().describe('When they would like the visit, as they said it'),
  reminder_at: timestamp.nullable(),
  converted_contact_id: z.uuid().nullable(),
  converted_at: timestamp.nullable(),
  archive_reason: z.string().nullable(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** Where a lead stands. */
export type LeadStatus = 'new' | 'contacted' | 'qualified' | 'converted' | 'archived'

/**
 * The statuses a lead may move to from each status. Forward moves may skip steps (a caller who books on the
 * first call converts from new); backward moves go one step at a time, to correct a mistake; an archived lead
 * may be reopened to any open status; a converted lead is final, because a contact now stands for it.
 */
export const LEAD_TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'qualified', 'converted', 'archived'],
  contacted: ['new', 'qualified', 'converted', 'archived'],
  qualified: ['contacted', 'converted', 'archived'],
  archived: ['new', 'contacted', 'qualified'],
  converted: [],
}

/** Refuses a move the table above does not allow, naming both statuses and what is allowed instead. */
export function assertLeadTransition(from: LeadStatus, to: LeadStatus): void {
  const allowed = LEAD_TRANSITIONS[from]
  if (allowed.includes(to)) return
  const next = allowed.length ? `from ${from} it may go to ${allowed.join(', ')}` : `${from} is final`
  throw new AppError('CONFLICT', `A lead cannot go from ${from} to ${to}: ${next}`, { from, to, allowed })
}

/** A lead row, locked for update, or NOT_FOUND. */
export async function lockLead(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  return lockRecord(tx, LEAD_TABLE, id)
}

/** Where leads live, for lockRecord, auditedUpdate and auditedInsert (core/vocabulary/records.ts). */
export const LEAD_TABLE: RecordKind = { table: 'leads', columns: LEAD_COLUMNS, entity: 'lead' }

/** A postal address split into the parts a contact's address stores. */
export interface ParsedAddress {
  line1: string
  line2: string | null
  city: string
  state: string
  postal_code: string
}

/**
 * Reads "line1[, line2], city, ST 12345" (or "line1, city ST 12345"), with an optional trailing ", USA"; the state is
 * two letters, the postal code five digits with an optional +4. Anything else is null: the caller then asks for
 * the parts rather than guessing them.
 */
export function parseUsAddress(text: string): ParsedAddress | null {
  const parts = text
    .split(/[,\n]/)
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
  if (parts.length && /^(usa?|united states( of america)?)$/i.test(parts[parts.length - 1].replace(/\./g, ''))) parts.pop()
  if (parts.length < 2) return null
  const last = parts[parts.length - 1]
  const stateZip = /^(?:(.+?) )?([A-Za-z]{2})\.? (\d{5}(?:-\d{4})?)$/.exec(last)
  if (!stateZip) return null
  const [, cityInLast, state, postal] = stateZip
  const city = cityInLast ?? (parts.length >= 3 ? parts[parts.length - 2] : undefined)
  const lines = parts.slice(0, cityInLast ? -1 : -2)
  if (!city || !lines.length) return null
  return { line1: lines[0], line2: lines.slice(1).join(', ') || null, city, state: state.toUpperCase(), postal_code: postal }
}

/** Whom a lead became, by the lead's id: its converted contact (null while unconverted), or undefined when the business has no such lead. */
export async function leadConversion(tx: Queryable, leadId: string): Promise<{ converted_contact_id: string | null } | undefined> {
  const r = await tx.query<{ converted_contact_id: string | null }>('select converted_contact_id from leads where id = $1', [leadId])
  return r.rows[0]
}

import { z } from 'zod'
import { notFound, validationError } from '../../kernel/errors.js'
import { auditedInsert, auditedUpdate } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { localDate, WEEKDAYS } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import {
  assertOpen,
  checkEntry,
  duplicateEntry,
  findOpenDuplicate,
  lockEntry,
  WAITLIST_COLUMNS,
  WAITLIST_RECORD,
  WAITLIST_TABLE,
} from './model.js'
import { isoDate } from '../../kernel/schema-types.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'

const date = isoDate()
const days = z.array(z.enum(WEEKDAYS)).max(7).describe('Weekdays that suit them (mon..sun); empty means any day')
const timeOfDay = z
  .enum(['any', 'morning', 'afternoon'])
  .describe('morning = starting before 12:00, afternoon = from 12:00 (business time)')
const notes = noteText(2000)

/** Puts a customer on the waitlist for an earlier or a suitable slot. */
export const addToWaitlist = defineAction({
  key: 'waitlist.add',
  phrases: [
    'put a customer on the waitlist',
    'they want an earlier appointment if one opens',
    'wait list',
    'cancellation list',
    'earlier appointment',
  ],
  title: 'Put a customer on the waitlist',
  place: BY_AGENT_OR_API,
  words: { phrase: 'put a customer on the waiting list' },
  description:
    'Put a contact on the waitlist for a slot between earliest_date and latest_date (YYYY-MM-DD, business time zone; ' +
    'earliest_date defaults to today), optionally for a service and at one of their addresses, on preferred days and time of day. ' +
    'A contact has at most one open entry per service: a second is a CONFLICT naming the first. Status starts as waiting.',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({
    contact_id: z.uuid(),
    service_id: z.uuid().optional(),
    address_id: z.uuid().optional().describe("One of the contact's addresses, used to find gaps nearby; default: their first address"),
    earliest_date: date.optional(),
    latest_date: date,
    preferred_days: days.default([]),
    time_of_day: timeOfDay.default('any'),
    notes: notes.optional(),
  }),
  output: WAITLIST_RECORD,
  async run(ctx, input) {
    const settings = await loadTenantSettings(ctx.db)
    const today = localDate(ctx.services.now(), settings.timezone)
    const entry = {
      contact_id: input.contact_id,
      service_id: input.service_id ?? null,
      address_id: input.address_id ?? null,
      earliest_date: input.earliest_date ?? today,
      latest_date: input.latest_date,
    }
    await checkEntry(ctx.db, entry, today)
    const existing = await findOpenDuplicate(ctx.db, entry.contact_id, entry.service_id, null)
    if (existing) throw duplicateEntry(existing)
    return auditedInsert(
      ctx,
      WAITLIST_TABLE,
      `insert into waitlist_entries (tenant_id, contact_id, service_id, address_id, earliest_date, latest_date, preferred_days, time_of_day, notes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${WAITLIST_COLUMNS}`,
      [
        ctx.tenantId,
        entry.contact_id,
        entry.service_id,
        entry.address_id,
        entry.earliest_date,
        entry.latest_date,
        [...new Set(input.preferred_days)],
        input.time_of_day,
        input.notes ?? null,
      ],
    )
  },
})

/** Changes an open waitlist entry. */
export const updateWaitlistEntry = defineAction({
  key: 'waitlist.update',
  title: 'Change a waitlist entry',
  place: BY_AGENT_OR_API,
  words: { phrase: 'change a waiting-list entry' },
  description:
    'Change an open (waiting or offered) waitlist entry. Only the fields given change; null clears service_id, address_id ' +
    'or notes. status: offered once a slot was offered and an answer is awaited, waiting to put it back.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    waitlist_entry_id: z.uuid(),
    service_id: z.uuid().nullable().optional(),
    address_id: z.uuid().nullable().optional(),
    earliest_date: date.optional(),
    latest_date: date.optional(),
    preferred_days: days.optional(),
    time_of_day: timeOfDay.optional(),
    notes: notes.nullable().optional(),
    status: z.enum(['waiting', 'offered']).optional(),
  }),
  output: WAITLIST_RECORD,
  async run(ctx, input) {
    const before = await lockEntry(ctx.db, input.waitlist_entry_id)
    assertOpen(before, 'updated')
    const { waitlist_entry_id, ...changes } = input
    const merged = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as Record<
      string,
      unknown
    >
    const settings = await loadTenantSettings(ctx.db)
    const today = localDate(ctx.services.now(), settings.timezone)
    // An entry whose window has passed may still change other fields; only new dates must not lie in the past.
    const datesChanged = changes.earliest_date !== undefined || changes.latest_date !== undefined
    await checkEntry(
      ctx.db,
      {
        contact_id: String(before.contact_id),
        service_id: (merged.service_id as string | null) ?? null,
        address_id: (merged.address_id as string | null) ?? null,
        earliest_date: String(merged.earliest_date),
        // An entry whose window already passed may still change other fields; new dates must not be in the past.
        latest_date: String(merged.latest_date),
      },
      datesChanged ? today : '0000-01-01',
    )
    if (changes.service_id !== undefined) {
      const existing = await findOpenDuplicate(ctx.db, String(before.contact_id), changes.service_id, waitlist_entry_id)
      if (existing) throw duplicateEntry(existing)
    }
    return auditedUpdate(ctx, WAITLIST_TABLE, before, {
      ...changes,
      preferred_days: changes.preferred_days && [...new Set(changes.preferred_days)],
    })
  },
})

/** Takes a customer off the waitlist, keeping the entry. */
export const removeFromWaitlist = defineAction({
  key: 'waitlist.remove',
  title: 'Take a customer off the waitlist',
  place: BY_AGENT_OR_API,
  words: { phrase: 'take a customer off the waiting list' },
  description:
    'Take an entry off the waitlist (status removed; kept for history). Removing twice changes nothing; a scheduled entry ' +
    'cannot be removed.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ waitlist_entry_id: z.uuid() }),
  output: WAITLIST_RECORD,
  async run(ctx, input) {
    const before = await lockEntry(ctx.db, input.waitlist_entry_id)
    if (before.status === 'removed') return before
    assertOpen(before, 'removed')
    return auditedUpdate(ctx, WAITLIST_TABLE, before, { archived_at: ctx.services.now() }, 'remove')
  },
})

/** Records that a waiting customer got an appointment. */
export const markWaitlistScheduled = defineAction({
  key: 'waitlist.mark_scheduled',
  title: 'Mark a waitlist entry booked',
  place: BY_AGENT_OR_API,
  words: { phrase: 'mark a waiting-list entry as booked' },
  description:
    'Mark a waiting or offered entry as scheduled, optionally with the ticket (appointment) it was booked into, which must ' +
    'belong to the same contact. Marking again with the same ticket changes nothing.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    waitlist_entry_id: z.uuid(),
    ticket_id: z.uuid().optional(),
  }),
  output: WAITLIST_RECORD,
  async run(ctx, input) {
    const before = await lockEntry(ctx.db, input.waitlist_entry_id)
    if (before.status === 'scheduled' && (input.ticket_id ?? null) === (before.ticket_id ?? null)) return before
    assertOpen(before, 'scheduled')
    if (input.ticket_id) {
      const t = await ctx.db.query<{ contact_id: string }>('select contact_id from tickets where id = $1', [input.ticket_id])
      if (!t.rows.length) throw notFound('ticket', input.ticket_id)
      if (t.rows[0].contact_id !== before.contact_id) {
        throw validationError([{ field: 'data.ticket_id', message: `is a ticket of another contact, not of contact ${before.contact_id}` }])
      }
    }
    return auditedUpdate(ctx, WAITLIST_TABLE, before, { status: 'scheduled', ticket_id: input.ticket_id ?? null }, 'mark_scheduled')
  },
})

import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction, defineQuery } from '../../kernel/registry.js'
import { type CalendarChoice, type ListedCalendar, loadCalendarChoice } from './calendar/calendar-list.js'
import { personOfCall } from './person.js'
import { neverConnected } from './tokens.js'

const SETTINGS_PAGE = '/settings/google'

/** One of a person's Google calendars, and whether their visits (or the business's) go there. */
export const GOOGLE_CALENDAR_RECORD = z.object({
  id: z.string().describe("Google's calendar id ('primary' until Google listed the person's calendars)"),
  user_id: z.uuid().describe('Whose calendar list this is'),
  summary: z.string(),
  primary: z.boolean().describe("The person's own main calendar"),
  access_role: z.string().describe('owner or writer: visits can be written there; reader: cannot be chosen'),
  chosen: z.boolean().describe("The person's visits are written here"),
  shared: z.boolean().describe("The business's shared calendar, where every visit also goes (the owner's calendars only)"),
})

type CalendarView = z.output<typeof GOOGLE_CALENDAR_RECORD>

/** A person's calendars as last listed (or their primary alone, before the first listing), marked chosen and shared. */
function calendarsOf(userId: string, choice: CalendarChoice): CalendarView[] {
  const listed: ListedCalendar[] = choice.calendars?.length
    ? choice.calendars
    : [{ id: 'primary', summary: 'Primary calendar', primary: true, access_role: 'owner' }]
  return listed.map((c) => ({
    id: c.id,
    user_id: userId,
    summary: c.summary,
    primary: c.primary,
    access_role: c.access_role,
    chosen: choice.calendar_id === null ? c.primary : choice.calendar_id === c.id,
    shared: choice.shared_calendar_id === c.id || (choice.shared_calendar_id === 'primary' && c.primary),
  }))
}

/** The person a call is about: the owner and the agent may name anyone, a technician only themselves. */
function personOf(ctx: OperationContext, userId: string | undefined): string {
  return personOfCall(ctx, userId, { yours: 'choose only your own calendar', whose: 'calendar' })
}

/** A person's calendar choice, or NOT_FOUND when they never connected Google. */
async function choiceOf(db: Queryable, userId: string, field = 'data.user_id'): Promise<CalendarChoice> {
  const choice = await loadCalendarChoice(db, userId)
  if (!choice) throw neverConnected(userId, field)
  return choice
}

/** The calendar id to keep: null for the person's primary; VALIDATION_ERROR when it is not one they can write to. */
function checkedCalendar(choice: CalendarChoice, calendarId: string): string | null {
  const listed = choice.calendars ?? []
  const primary = listed.find((c) => c.primary)
  if (calendarId === 'primary' || calendarId === primary?.id) return null
  const found = listed.find((c) => c.id === calendarId)
  if (!found || (found.access_role !== 'owner' && found.access_role !== 'writer')) {
    const choices = listed.filter((c) => c.access_role === 'owner' || c.access_role === 'writer').map((c) => c.id)
    const message = listed.length
      ? `is not a calendar of this person that visits can be written to; expected 'primary' or one of: ${choices.join(', ')}`
      : "is not known yet: Google's calendar list is read at the next sync (google.sync); until then only 'primary' can be chosen"
    throw new AppError('VALIDATION_ERROR', `calendar ${message}`, { issues: [{ field: 'data.calendar', message }] })
  }
  return found.id
}

/** A person's Google calendars: where their visits go, and the business's shared calendar. */
export const googleCalendarsQuery = defineQuery({
  type: 'google_calendars',
  description:
    "A person's Google calendars (user_id; yours when left out, every connected person's for an agent naming nobody; a " +
    'technician reads only their own), as Google last ' +
    'listed them: id, summary, primary, access_role, chosen (their visits are written there; the primary calendar ' +
    "unless they chose another) and shared (the business's shared calendar, on the owner's list). Choose with " +
    'google.choose_calendar and google.choose_shared_calendar. NOT_FOUND when the person never connected Google.',
  phrases: ['google', 'calendar', 'calendars', 'choose calendar'],
  access: { agent: 'unrestricted', technician: 'all' },
  params: z.object({ user_id: z.uuid().optional().describe('Whose calendars; yours when left out (an agent must name it)') }),
  record: GOOGLE_CALENDAR_RECORD,
  async run(ctx, req) {
    const self = ctx.actor.type === 'user' ? ctx.actor.id : null
    let all: CalendarView[]
    if (!req.params.user_id && !self) {
      // An agent naming nobody reads every connected person's calendars.
      const r = await ctx.db.query<CalendarChoice & { user_id: string }>(
        'select user_id, calendar_id, shared_calendar_id, calendars, calendars_listed_at from google_connections order by user_id',
      )
      all = r.rows.flatMap((row) => calendarsOf(row.user_id, row))
    } else {
      const userId = personOf(ctx, req.params.user_id)
      all = calendarsOf(userId, await choiceOf(ctx.db, userId))
    }
    return { items: req.id ? all.filter((c) => c.id === req.id) : all, next_cursor: null }
  },
})

/** Sets the Google calendar a person's visits are written to. */
export const chooseGoogleCalendar = defineAction({
  key: 'google.choose_calendar',
  title: 'Choose the calendar for visits',
  place: page(SETTINGS_PAGE, 'Calendar for your visits'),
  words: { phrase: "choose the Google calendar a person's visits go to" },
  description:
    "Choose the Google calendar a person's visits are written to (user_id; yours when left out; the owner may choose " +
    "for anyone, a technician for themselves): calendar is 'primary' or a calendar id from google_calendars they can write to. " +
    'At the next sync their visits move there: removed from the old calendar, written to the new one. ' +
    "An agent's call waits for the owner's authorization.",
  access: { agent: 'requires_authorization', technician: 'all' },
  phrases: ['google', 'calendar', 'choose calendar', 'visits'],
  idempotent: true,
  input: z.strictObject({
    calendar: z.string().trim().min(1).max(1024).describe("'primary' or a calendar id from google_calendars"),
    user_id: z.uuid().optional().describe('Whose visits; yours when left out (an agent must name it)'),
  }),
  output: z.object({ calendars: z.array(GOOGLE_CALENDAR_RECORD) }),
  async run(ctx, input) {
    const userId = personOf(ctx, input.user_id)
    const before = await choiceOf(ctx.db, userId)
    const calendarId = checkedCalendar(before, input.calendar)
    if (calendarId !== before.calendar_id) {
      await ctx.db.query('update google_connections set calendar_id = $2, sync_requested_at = $3 where user_id = $1', [
        userId,
        calendarId,
        ctx.services.now(),
      ])
      await ctx.audit({
        entityType: 'google_connection',
        entityId: userId,
        action: 'choose_calendar',
        before: { calendar_id: before.calendar_id ?? 'primary' },
        after: { calendar_id: calendarId ?? 'primary' },
      })
    }
    return { calendars: calendarsOf(userId, { ...before, calendar_id: calendarId }) }
  },
})

/** Sets (or clears) the business's shared calendar, one of the owner's, where every visit also goes. */
export const chooseGoogleSharedCalendar = defineAction({
  key: 'google.choose_shared_calendar',
  title: "Choose the business's shared calendar",
  place: page(SETTINGS_PAGE, 'Shared calendar for every visit'),
  words: { phrase: "choose the business's shared Google calendar" },
  description:
    "Choose the business's shared Google calendar, where every visit is also written, with all its technicians: a " +
    "calendar id from the owner's google_calendars they can write to, or null for none (its events are then removed). " +
    "It is written through the owner's connected Google account. Only the owner chooses it; an agent's call waits " +
    "for the owner's authorization.",
  access: { agent: 'requires_authorization', technician: 'none' },
  phrases: ['google', 'shared calendar', 'business calendar', 'team calendar'],
  idempotent: true,
  input: z.strictObject({
    calendar: z
      .string()
      .trim()
      .min(1)
      .max(1024)
      .nullable()
      .describe("An id from the owner's google_calendars ('primary' for their own main calendar), or null for none"),
  }),
  output: z.object({ calendars: z.array(GOOGLE_CALENDAR_RECORD) }),
  async run(ctx, input) {
    const owner = await ctx.db.query<{ user_id: string }>(
      `select c.user_id from google_connections c join users u on u.id = c.user_id where u.role = 'owner' and c.status = 'connected'
       order by c.connected_at limit 1`,
    )
    const ownerId = owner.rows[0]?.user_id
    if (!ownerId) {
      throw new AppError('CONFLICT', "The shared calendar is one of the owner's: the owner connects Google first, at /settings/google")
    }
    const before = await choiceOf(ctx.db, ownerId)
    // The owner's primary is kept as 'primary', as their own visits' calendar is: a visit of theirs is then one event there.
    const calendarId = input.calendar === null ? null : (checkedCalendar(before, input.calendar) ?? 'primary')
    if (calendarId !== before.shared_calendar_id) {
      await ctx.db.query('update google_connections set shared_calendar_id = $2, sync_requested_at = $3 where user_id = $1', [
        ownerId,
        calendarId,
        ctx.services.now(),
      ])
      await ctx.audit({
        entityType: 'google_connection',
        entityId: ownerId,
        action: 'choose_shared_calendar',
        before: { shared_calendar_id: before.shared_calendar_id },
        after: { shared_calendar_id: calendarId },
      })
    }
    return { calendars: calendarsOf(ownerId, { ...before, shared_calendar_id: calendarId }) }
  },
})

import { z } from 'zod'
import { CALENDAR_FEED_LINK } from './feed-links.js'
import { AppError, missingReference } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { personIdOf } from '../../kernel/context.js'
import { FEED_COLUMNS, FEED_RECORD, FEED_TABLE, feedUrls } from './model.js'
import { auditedInsert, auditedStatement, lockRecord } from '../../vocabulary/records.js'
import { page } from '../../vocabulary/places.js'

/** Makes a calendar subscription address for one team member's tickets or for the whole business, shown once. */
export const createCalendarFeed = defineAction({
  key: 'calendar_feed.create',
  title: 'Subscribe to visits in a phone calendar',
  place: page('/calendar', 'Make a subscription link'),
  description:
    'Make an iCal (RFC 5545) subscription address that a phone or desktop calendar fetches without signing in. ' +
    'user_id: a team member, whose assigned tickets the feed shows; null: the business feed with every ticket. ' +
    'Returns https_url and webcal_url ONCE: only a hash is kept, so a lost address is revoked and made again. ' +
    'Events carry the customer, address, services, phone and gate/access notes; cancelled tickets stay in as cancelled events.',
  // The address is a lasting credential to customers' addresses and gate codes for whoever holds it, and the result of
  // an approved request would hand it to the agent anyway: only a person makes one. A technician makes only their own.
  access: { agent: 'never', technician: 'assigned' },
  secretFields: ['https_url', 'webcal_url'],
  phrases: ['ical', 'ics', 'webcal', 'subscribe', 'phone calendar', 'google calendar', 'apple calendar', 'outlook'],
  input: z.strictObject({
    user_id: z.uuid().nullable().describe('The team member whose tickets the feed shows, or null for the whole business'),
  }),
  output: FEED_RECORD.extend({ https_url: z.string(), webcal_url: z.string() }),
  async run(ctx, input) {
    if (input.user_id === null && ctx.actor.type === 'user' && ctx.actor.role === 'technician') {
      throw new AppError('FORBIDDEN', 'A technician may make only their own calendar feed: give user_id as your own id', {
        field: 'user_id',
      })
    }
    if (input.user_id !== null) {
      const user = await ctx.db.query('select 1 from users where id = $1', [input.user_id])
      if (!user.rows[0]) throw missingReference('user', input.user_id, 'data.user_id')
    }
    const { secret, hash } = CALENDAR_FEED_LINK.mint()
    const feed = await auditedInsert(
      ctx,
      FEED_TABLE,
      `insert into calendar_feeds (tenant_id, scope, user_id, token_hash, created_by) values ($1, $2, $3, $4, $5) returning ${FEED_COLUMNS}`,
      [ctx.tenantId, input.user_id === null ? 'business' : 'technician', input.user_id, hash, personIdOf(ctx.actor)],
    )
    return { ...feed, ...feedUrls(ctx.services.config, secret) }
  },
})

/** Stops a calendar subscription address for good: every later fetch is a 404. */
export const revokeCalendarFeed = defineAction({
  key: 'calendar_feed.revoke',
  title: 'Revoke a calendar link',
  place: page('/calendar', 'pick the link, then Revoke'),
  description:
    'Revoke a calendar feed (calendar_feed_id from calendar_feeds): its address stops working at once and for good. ' +
    'Revoking one already revoked changes nothing.',
  // Revoking only takes access away (e.g. a lost phone); the calendar of the person it belongs to goes empty, so say why.
  access: { agent: 'soft_limit', technician: 'assigned' },
  idempotent: true,
  destructive: true,
  phrases: ['ical', 'calendar link', 'lost phone', 'disable'],
  input: z.strictObject({
    calendar_feed_id: z.uuid(),
  }),
  output: FEED_RECORD,
  async run(ctx, input) {
    const before = await lockRecord(ctx.db, FEED_TABLE, input.calendar_feed_id)
    if (before.revoked_at) return before
    const sql = `update calendar_feeds set revoked_at = now() where id = $1 returning ${FEED_COLUMNS}`
    return auditedStatement(ctx, FEED_TABLE, before, 'revoke', sql, [input.calendar_feed_id])
  },
})

import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { revokeAgentTokenAction } from '../agent-tokens/actions.js'
import { revokeCalendarFeed } from '../calendars/actions.js'

/**
 * Ends everything that acts for a person: their sessions and unused sign-in links, their calendar feeds and the
 * business feeds they made, and the agent tokens they made (an app they approved by OAuth among them). Feeds and tokens
 * are revoked by their own actions, so each is audited as any revocation is. Nothing of it comes back with the person.
 */
export async function revokeWhatActsFor(ctx: OperationContext, userId: string): Promise<void> {
  await ctx.db.query('update sessions set ended_at = now() where user_id = $1 and ended_at is null', [userId])
  await ctx.db.query('update magic_links set expires_at = now() where user_id = $1 and used_at is null and expires_at > now()', [userId])
  const feeds = await ctx.db.query<{ id: string }>(
    `select id from calendar_feeds
    where revoked_at is null and (user_id = $1 or (scope = 'business' and created_by = $1)) order by id`,
    [userId],
  )
  for (const feed of feeds.rows) await callWithin(ctx, revokeCalendarFeed, { calendar_feed_id: feed.id })
  const tokens = await ctx.db.query<{ id: string }>(
    'select id from agent_tokens where created_by = $1 and revoked_at is null order by id',
    [userId],
  )
  for (const token of tokens.rows) await callWithin(ctx, revokeAgentTokenAction, { agent_token_id: token.id })
}

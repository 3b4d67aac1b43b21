import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { revokeAfterCommit } from '../../kernel/revoke-grant.js'
import { googleClientOf, googleOffReason } from './availability.js'
import { startGoogleConnect } from './connect.js'
import { listGoogleConnections, loadGoogleConnection, markGoogleDisconnected } from './connection.js'
import { connectionView, GOOGLE_CONNECTION_RECORD } from './connection-query.js'
import { GOOGLE_FEATURES } from './features.js'
import { personOfCall } from './person.js'
import { neverConnected, notConnected } from './tokens.js'

/** Where each person connects, disconnects and watches their Google account. */
const SETTINGS_PAGE = '/settings/google'

const reason = z.string().trim().max(500).optional()
const feature = z.enum(GOOGLE_FEATURES)

/** Sends the person acting to Google to connect their own account for the features they turn on. */
export const connectGoogle = defineAction({
  key: 'google.connect',
  title: 'Connect Google',
  place: page(SETTINGS_PAGE, 'Connect Google with the features ticked, then allow at Google'),
  words: { phrase: 'connect a Google account' },
  description:
    "Begin connecting the signed-in person's own Google account for features: calendar (their visits written to a Google " +
    "calendar they choose, and changes made there read back), contacts and gmail (the owner's only). Returns authorize_url, " +
    "Google's page where the person allows it (within 10 minutes). Asks Google only for the features' permissions, added to " +
    'those given before.',
  // An account is connected by its person, at Google; an agent cannot give consent for someone.
  access: { agent: 'never', technician: 'all' },
  phrases: ['google', 'calendar', 'gmail', 'contacts', 'connect'],
  input: z.strictObject({
    features: z.array(feature).min(1).max(3).describe('calendar, contacts, gmail'),
    reason: reason.describe('Why; kept in the audit'),
  }),
  output: z.object({
    authorize_url: z.string().describe("Google's consent page to open"),
    redirect_uri: z.string().describe('Where Google sends the person back; it must be a redirect URI of the Google app'),
    expires_at: timestamp,
  }),
  async run(ctx, input) {
    const features = [...new Set(input.features)]
    const started = await startGoogleConnect(ctx, features)
    await ctx.audit({
      entityType: 'google_connection',
      entityId: personId(ctx),
      action: 'connect_start',
      after: { features, expires_at: started.expires_at, reason: input.reason ?? null },
    })
    return started
  },
})

/** The person a call is about: the owner may name anyone's account, everyone else only their own. */
function personId(ctx: OperationContext, userId?: string): string {
  return personOfCall(ctx, userId, { yours: 'change only your own Google connection', whose: 'Google account' })
}

/** The connection as the record shows it, after a change. */
async function viewOf(ctx: OperationContext, userId: string): Promise<z.output<typeof GOOGLE_CONNECTION_RECORD>> {
  const row = (await listGoogleConnections(ctx.db)).find((c) => c.user_id === userId)
  if (!row) throw neverConnected(userId)
  return connectionView(row, googleOffReason(ctx.services))
}

/** Disconnects a Google account: its tokens are forgotten here and revoked at Google, and nothing syncs any more. */
export const disconnectGoogle = defineAction({
  key: 'google.disconnect',
  title: 'Disconnect Google',
  place: page(SETTINGS_PAGE, 'Disconnect'),
  words: { phrase: 'disconnect a Google account' },
  description:
    "Disconnect a person's Google account (user_id; yours when left out): its tokens are forgotten here and revoked at Google, " +
    'and nothing more is written to or read from it. What was brought in stays, and events already in Google stay there. ' +
    "An agent's call waits for the owner's authorization. Disconnecting twice changes nothing.",
  access: { agent: 'requires_authorization', technician: 'all' },
  phrases: ['google', 'disconnect', 'stop sync', 'calendar', 'gmail'],
  idempotent: true,
  input: z.strictObject({
    user_id: z.uuid().optional().describe('Whose account; yours when left out (an agent must name it)'),
    reason: reason.describe('Why; shown on the Google settings page and kept in the audit'),
  }),
  output: GOOGLE_CONNECTION_RECORD,
  async run(ctx, input) {
    const userId = personId(ctx, input.user_id)
    const before = await loadGoogleConnection(ctx.db, userId, true)
    if (!before) throw neverConnected(userId)
    if (before.status === 'disconnected') return viewOf(ctx, userId)
    const why =
      input.reason || (ctx.actor.type === 'agent' ? 'Disconnected at your office manager’s request, with your approval' : 'Disconnected')
    await markGoogleDisconnected(ctx.db, userId, why)
    await ctx.audit({
      entityType: 'google_connection',
      entityId: userId,
      action: 'disconnect',
      before: { status: before.status, google_email: before.google_email },
      after: { status: 'disconnected', google_email: before.google_email, status_reason: why },
    })
    revokeAfterCommit(ctx, googleClientOf(ctx.services), before.refresh_token)
    return viewOf(ctx, userId)
  },
})

/** Turns one feature of an account off (turning one on goes through Google's consent: google.connect). */
export const turnOffGoogleFeature = defineAction({
  key: 'google.turn_off',
  title: 'Turn a Google feature off',
  place: page(SETTINGS_PAGE, 'Turn off, beside the feature'),
  words: { phrase: 'turn a Google feature off' },
  description:
    "Stop one feature of a person's Google account (user_id; yours when left out): calendar (visits no longer written to " +
    'Google, changes there no longer read), contacts or gmail. The account stays connected for its other features. ' +
    'Turning it on again is google.connect, by the person.',
  access: { agent: 'requires_authorization', technician: 'all' },
  phrases: ['google', 'turn off', 'stop', 'calendar', 'gmail', 'contacts'],
  idempotent: true,
  input: z.strictObject({
    user_id: z.uuid().optional().describe('Whose account; yours when left out'),
    feature: feature.describe('calendar, contacts or gmail'),
    reason: reason.describe('Why; kept in the audit'),
  }),
  output: GOOGLE_CONNECTION_RECORD,
  async run(ctx, input) {
    const userId = personId(ctx, input.user_id)
    const before = await loadGoogleConnection(ctx.db, userId, true)
    if (!before) throw neverConnected(userId)
    if (before[`${input.feature}_on`]) {
      await ctx.db.query(`update google_connections set ${input.feature}_on = false where user_id = $1`, [userId])
      await ctx.audit({
        entityType: 'google_connection',
        entityId: userId,
        action: 'turn_off',
        after: { feature: input.feature, reason: input.reason ?? null },
      })
    }
    return viewOf(ctx, userId)
  },
})

/** Asks the worker to sync every connected account (or one) at its next pass. */
export const syncGoogleNow = defineAction({
  key: 'google.sync',
  phrases: ['sync with Google now', 'refresh the Google calendar', 'google', 'sync', 'calendar', 'refresh'],
  title: 'Sync with Google now',
  place: page(SETTINGS_PAGE, 'Sync now'),
  words: { phrase: 'ask for a Google sync now' },
  description:
    'Ask for a Google sync now of every connected account, or of user_id: the worker runs it at its next pass (within ' +
    'seconds) instead of the regular one every 30 s. Read the outcome in google_connection. CONFLICT when the account ' +
    'is not connected (the message says why).',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ user_id: z.uuid().optional().describe('One person’s account; every connected one when left out') }),
  output: z.object({ requested: z.array(GOOGLE_CONNECTION_RECORD) }),
  async run(ctx, input) {
    const off = googleOffReason(ctx.services)
    if (off) throw new AppError('UNAVAILABLE', off)
    const all = await listGoogleConnections(ctx.db)
    const chosen = input.user_id ? all.filter((c) => c.user_id === input.user_id) : all.filter((c) => c.status === 'connected')
    if (input.user_id && !chosen.length) {
      throw neverConnected(input.user_id)
    }
    if (input.user_id && chosen[0].status !== 'connected') throw notConnected(chosen[0].status, chosen[0].status_reason)
    if (!chosen.length) throw notConnected(undefined, null)
    await ctx.db.query(`update google_connections set sync_requested_at = $1 where status = 'connected' and user_id = any($2)`, [
      ctx.services.now(),
      chosen.map((c) => c.user_id),
    ])
    await ctx.audit({
      entityType: 'google_connection',
      entityId: ctx.tenantId,
      action: 'request_sync',
      after: { users: chosen.map((c) => c.user_id) },
    })
    const after = await listGoogleConnections(ctx.db)
    return { requested: after.filter((c) => chosen.some((x) => x.user_id === c.user_id)).map((c) => connectionView(c)) }
  },
})

import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { listGoogleConnections, type StoredGoogleConnection } from './connection.js'
import { featureGranted } from './features.js'
import { googleOffReason } from './availability.js'

/** A person's Google account as the owner and the agent read it: never its tokens. */
export const GOOGLE_CONNECTION_RECORD = z.object({
  id: z.uuid().describe("The person's user id"),
  user_name: z.string(),
  role: z.enum(['owner', 'technician']),
  google_email: z.string(),
  status: z
    .enum(['connected', 'needs_reconnect', 'disconnected', 'off'])
    .describe(
      'connected: syncing; needs_reconnect: Google refused the tokens (revoked or lapsed), the person must connect again; disconnected; off: Google is off on this server (status_reason says what to set), nothing syncs and the connection is kept',
    ),
  status_reason: z.string().nullable(),
  features: z
    .object({ calendar: z.boolean(), contacts: z.boolean(), gmail: z.boolean() })
    .describe('The features on and granted: calendar (visits written to Google and changes read back), contacts, gmail'),
  connected_at: timestamp,
  sync_requested_at: timestamp.nullable(),
  last_sync_at: timestamp.nullable(),
  last_sync_error: z.string().nullable().describe("Why the last sync failed, in Google's own words"),
})

/** One stored connection as the record shows it; while Google is off on this server (`off`, why), as off whatever was stored. */
export function connectionView(
  c: StoredGoogleConnection & { user_name: string; role: string },
  off: string | null = null,
): z.output<typeof GOOGLE_CONNECTION_RECORD> {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
  const on = (f: 'calendar' | 'contacts' | 'gmail') => !off && c.status === 'connected' && c[`${f}_on`] && featureGranted(f, c.scopes)
  return {
    id: c.user_id,
    user_name: c.user_name,
    role: c.role === 'owner' ? 'owner' : 'technician',
    google_email: c.google_email,
    status: off && c.status === 'connected' ? 'off' : c.status,
    status_reason: off && c.status === 'connected' ? off : c.status_reason,
    features: { calendar: on('calendar'), contacts: on('contacts'), gmail: on('gmail') },
    connected_at: new Date(c.connected_at).toISOString(),
    sync_requested_at: iso(c.sync_requested_at),
    last_sync_at: iso(c.last_sync_at),
    last_sync_error: c.last_sync_error,
  }
}

/** Every connected Google account of the business. */
export async function readGoogleConnections(ctx: OperationContext): Promise<Array<z.output<typeof GOOGLE_CONNECTION_RECORD>>> {
  const off = googleOffReason(ctx.services)
  return (await listGoogleConnections(ctx.db)).map((c) => connectionView(c, off))
}

/** The business's Google accounts, one record per person who connected. */
export const googleConnectionQuery = defineQuery({
  type: 'google_connection',
  description:
    "The Google accounts connected to the business, one per person (id = the person's user id): google_email, status " +
    '(connected; needs_reconnect: Google refused the tokens and the person must connect again at /settings/google; ' +
    'disconnected; off: Google is off on this server), status_reason, features on (calendar: their visits go to their Google calendar and changes made there ' +
    "come back as requests; contacts and gmail: the owner's, brought in as customers and timeline emails), last_sync_at, " +
    "last_sync_error. Empty when nobody connected. Connecting is the person's own, at /settings/google; google.sync asks " +
    'for a sync now. A technician reads only their own account.',
  phrases: ['google', 'calendar', 'gmail', 'contacts', 'workspace', 'connection', 'sync'],
  // A technician sees their own account (its id is their user id) on their Google page, nobody else's.
  access: { agent: 'unrestricted', technician: 'assigned', idEntity: 'user' },
  params: z.object({}),
  record: GOOGLE_CONNECTION_RECORD,
  async run(ctx, req) {
    const all = await readGoogleConnections(ctx)
    return { items: req.id ? all.filter((c) => c.id === req.id) : all, next_cursor: null }
  },
})
